// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {ILoanMarket} from "../interfaces/ILoanMarket.sol";

/// @notice Test double of the collateral vault: holds pledged tokens, no pricing. Coverage answers what
///         `setCoverage` says. `liquidate` takes stablecoin from the caller, forwards it to the market and
///         seizes the collateral.
contract TestCollateralVault is ICollateralVault {
    address public immutable market;
    mapping(uint256 => address) public tokenOf;
    mapping(uint256 => uint256) public amountOf;
    mapping(uint256 => address) public borrowerOf;
    uint256 public releases;
    uint256 public openPositions;
    bool public priced = true;
    bool public covered = true;

    error TestCoverageShort(uint256 loanId, uint256 principal);
    error NotMarket(address caller);

    constructor(address market_) {
        market = market_;
    }

    function setCoverage(bool priced_, bool covered_) external {
        priced = priced_;
        covered = covered_;
    }

    function pledge(uint256 loanId, address borrower, address token, uint256 amount, uint256, uint8) external {
        if (msg.sender != market) revert NotMarket(msg.sender);
        IERC20(token).transferFrom(borrower, address(this), amount);
        tokenOf[loanId] = token;
        amountOf[loanId] = amount;
        borrowerOf[loanId] = borrower;
        openPositions += 1;
    }

    function addCollateral(uint256 loanId, address from, uint256 amount) external {
        if (msg.sender != market) revert NotMarket(msg.sender);
        IERC20(tokenOf[loanId]).transferFrom(from, address(this), amount);
        if (amountOf[loanId] == 0) openPositions += 1;
        amountOf[loanId] += amount;
    }

    function release(uint256 loanId) external {
        if (msg.sender != market) revert NotMarket(msg.sender);
        releases += 1;
        uint256 amount = amountOf[loanId];
        amountOf[loanId] = 0;
        if (amount != 0) {
            openPositions -= 1;
            IERC20(tokenOf[loanId]).transfer(borrowerOf[loanId], amount);
        }
    }

    function requireCoverage(uint256 loanId, uint256 principal, uint8) external view {
        if (!priced || !covered) revert TestCoverageShort(loanId, principal);
    }

    function coverage(uint256, uint256, uint8) external view returns (bool, bool) {
        return (priced, priced && covered);
    }

    function positionOf(uint256 loanId) external view returns (address, uint256) {
        return (tokenOf[loanId], amountOf[loanId]);
    }

    function liquidate(uint256 loanId, uint256 collateralAmount, uint256 payment) external {
        address stable = ILoanMarket(market).stablecoin();
        IERC20(stable).transferFrom(msg.sender, market, payment);
        amountOf[loanId] -= collateralAmount;
        if (amountOf[loanId] == 0) openPositions -= 1;
        IERC20(tokenOf[loanId]).transfer(msg.sender, collateralAmount);
        ILoanMarket(market).receiveLiquidationProceeds(loanId, payment);
    }
}
