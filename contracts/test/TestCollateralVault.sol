// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {ILoanMarket} from "../interfaces/ILoanMarket.sol";

/// @notice Test double of the collateral vault: holds pledged tokens, no pricing. `liquidate` takes
///         stablecoin from the caller, forwards it to the market and seizes the collateral.
contract TestCollateralVault is ICollateralVault {
    address public immutable market;
    mapping(uint256 => address) public tokenOf;
    mapping(uint256 => uint256) public amountOf;
    mapping(uint256 => address) public borrowerOf;
    uint256 public releases;

    constructor(address market_) {
        market = market_;
    }

    function pledge(uint256 loanId, address borrower, address token, uint256 amount, uint256, uint8) external {
        require(msg.sender == market, "only market");
        IERC20(token).transferFrom(borrower, address(this), amount);
        tokenOf[loanId] = token;
        amountOf[loanId] = amount;
        borrowerOf[loanId] = borrower;
    }

    function release(uint256 loanId) external {
        require(msg.sender == market, "only market");
        releases += 1;
        uint256 amount = amountOf[loanId];
        amountOf[loanId] = 0;
        if (amount != 0) IERC20(tokenOf[loanId]).transfer(borrowerOf[loanId], amount);
    }

    function positionOf(uint256 loanId) external view returns (address, uint256) {
        return (tokenOf[loanId], amountOf[loanId]);
    }

    function liquidate(uint256 loanId, uint256 collateralAmount, uint256 payment) external {
        address stable = ILoanMarket(market).stablecoin();
        IERC20(stable).transferFrom(msg.sender, market, payment);
        amountOf[loanId] -= collateralAmount;
        IERC20(tokenOf[loanId]).transfer(msg.sender, collateralAmount);
        ILoanMarket(market).receiveLiquidationProceeds(loanId, payment);
    }
}
