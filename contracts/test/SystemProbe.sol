// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ILoanMarket} from "../interfaces/ILoanMarket.sol";
import {ILoanMarketTypes} from "../interfaces/ILoanMarketTypes.sol";

/// @notice Test-only reader for the system stateful suite: everything its invariants read after a step,
///         in one call instead of dozens (the suite checks every invariant after every step).
contract SystemProbe {
    struct Snapshot {
        uint256[] stableBalances;
        uint256[] collateralBalances;
        ILoanMarketTypes.Loan[] loans;
        uint256[] reserveCover;
        uint256[] claimable;
        address[] noteHolders;
        uint256[] noteShares;
        uint256[] personPrincipal;
        uint256 pendingReserve;
        uint256 pendingTreasury;
        uint256 openLoans;
        uint256 principalOutstanding;
    }

    function read(
        ILoanMarket market,
        IERC20 stable,
        IERC20 collateral,
        address[] calldata holders,
        uint256[] calldata loanIds,
        uint256[] calldata noteIds,
        bytes32[] calldata subjects
    ) external view returns (Snapshot memory s) {
        s.stableBalances = new uint256[](holders.length);
        s.collateralBalances = new uint256[](holders.length);
        for (uint256 i; i < holders.length; ++i) {
            s.stableBalances[i] = stable.balanceOf(holders[i]);
            s.collateralBalances[i] = collateral.balanceOf(holders[i]);
        }
        s.loans = new ILoanMarketTypes.Loan[](loanIds.length);
        s.reserveCover = new uint256[](loanIds.length);
        for (uint256 i; i < loanIds.length; ++i) {
            s.loans[i] = market.getLoan(loanIds[i]);
            s.reserveCover[i] = market.reserveCoverOf(loanIds[i]);
        }
        s.claimable = new uint256[](noteIds.length);
        s.noteHolders = new address[](noteIds.length);
        s.noteShares = new uint256[](noteIds.length);
        for (uint256 i; i < noteIds.length; ++i) {
            s.claimable[i] = market.claimable(noteIds[i]);
            (s.noteHolders[i], s.noteShares[i]) = market.noteInfo(noteIds[i]);
        }
        s.personPrincipal = new uint256[](subjects.length);
        for (uint256 i; i < subjects.length; ++i) {
            s.personPrincipal[i] = market.personPrincipalOf(subjects[i]);
        }
        (s.pendingReserve, s.pendingTreasury) = market.pendingFees();
        (s.openLoans, s.principalOutstanding) = market.windDownProgress();
    }
}
