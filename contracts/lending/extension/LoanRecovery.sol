// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ICollateralVault} from "../../interfaces/ICollateralVault.sol";
import {IReserveFund} from "../../interfaces/IReserveFund.sol";
import {RAY} from "../../common/Constants.sol";
import {LoanMarketExtBase} from "./LoanMarketExtBase.sol";

/// @title Reserve cover, fee sweeps and rounding dust
abstract contract LoanRecovery is LoanMarketExtBase {
    using SafeERC20 for IERC20;

    function coverFromReserve(uint256 loanId) external nonReentrant {
        Loan storage loan = _loans[loanId];
        _requireStatus(loanId, loan.status, LoanStatus.Defaulted);
        uint8 flags = loan.flags;
        if (flags & FLAG_SECURED != 0 && _vault != address(0)) {
            (, uint256 held) = ICollateralVault(_vault).positionOf(loanId);
            if (held != 0) revert CollateralNotExhausted(loanId, held);
        }
        _sweep(); // the reserve share collected so far is available to this cover
        // The reserve funds own the last `claimed` units of this loan's principal (see _distribute), so what
        // the notes still miss is the rest.
        uint256 claimed = _reserveCover[loanId];
        uint256 out = loan.principalOutstanding;
        uint256 uncovered = out > claimed ? out - claimed : 0;
        IReserveFund fund = IReserveFund(_reserve);
        uint256 covered = Math.min(uncovered, fund.availableCover(loanId));
        // An empty fund must not use up the loan's cover: nothing is recorded unless something is paid.
        if (covered == 0) revert NothingToCover(loanId);
        uint256 loss = uncovered - covered;
        uint256 funded = loan.funded;
        uint256 writedown = Math.mulDiv(loss, RAY, funded, Math.Rounding.Ceil);

        // Paid first: the fund checks its cap against the covers recorded before this one.
        uint256 before = _token.balanceOf(address(this));
        fund.cover(loanId, covered);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != covered) revert FeeOnTransferNotSupported(address(_token), covered, received);

        _reserveCover[loanId] = claimed + covered;
        loan.flags = flags | FLAG_COVERED;
        // The borrower still owes the whole principal: the reserve fund takes over the notes' claim to
        // the part it paid (see _distribute), it does not forgive it.
        loan.accPerShare += uint128((covered * RAY) / funded);
        loan.writedownPerShare = uint128(writedown);
        emit DefaultCovered(loanId, covered, loss, writedown);
    }

    function sweepFees() external nonReentrant {
        _sweep();
    }

    function sweepDust(
        uint256[] calldata loanIds
    ) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant returns (uint256 total) {
        for (uint256 i; i < loanIds.length; ++i) {
            uint256 loanId = loanIds[i];
            Loan storage loan = _loans[loanId];
            if (!_settled(loanId)) revert LoanNotSettled(loanId);
            if (loan.flags & FLAG_DUST_SWEPT != 0) revert DustAlreadySwept(loanId);
            loan.flags |= FLAG_DUST_SWEPT;
            uint256 dust = _dust(loanId, loan);
            emit DustSwept(loanId, dust);
            total += dust;
        }
        if (total != 0) _token.safeTransfer(_treasury, total);
    }
}
