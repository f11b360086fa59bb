// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {ILoanMarketExt} from "../../interfaces/ILoanMarketExt.sol";
import {ILoanNote} from "../../interfaces/ILoanNote.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {ICreditOracle} from "../../interfaces/ICreditOracle.sol";
import {NoteIds} from "../../common/NoteIds.sol";
import {RAY} from "../../common/Constants.sol";
import {LoanAccounting} from "../LoanAccounting.sol";
import {LoanMarketBase} from "../LoanMarketBase.sol";

/// @title What the extension's modules share: the roles, the fee sweep and the settled-loan dust rule
/// @dev Storage after LoanMarketStorage: AccessControl's role map. LoanMarket and LoanMarketOrigination
///      declare nothing after LoanMarketStorage, so nothing can collide with it.
abstract contract LoanMarketExtBase is ILoanMarketExt, LoanMarketBase, AccessControl {
    using SafeERC20 for IERC20;

    bytes32 public constant RISK_ROLE = keccak256("RISK_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 public constant OFFER_SIGNER_ROLE = keccak256("OFFER_SIGNER_ROLE");
    bytes32 public constant AUTO_INVEST_ROLE = keccak256("AUTO_INVEST_ROLE");

    constructor(
        IERC20 stablecoin_,
        IIdentityRegistry identity_,
        ICreditOracle oracle_,
        ILoanNote note_
    ) LoanMarketBase(stablecoin_, identity_, oracle_, note_) {}

    /// @dev Pushes pending reserve share to the reserve fund and servicing fees to the treasury.
    function _sweep() internal {
        PendingFees memory p = _pending;
        uint256 toReserve = p.reserve - 1; // minus the sentinels
        uint256 toTreasury = p.treasury - 1;
        if (toReserve == 0 && toTreasury == 0) return;
        _pending = PendingFees(1, 1);
        emit FeesSwept(toReserve, toTreasury);
        if (toReserve != 0) _token.safeTransfer(_reserve, toReserve);
        if (toTreasury != 0) _token.safeTransfer(_treasury, toTreasury);
    }

    /// @dev A settled loan's accumulator never moves again: repaid in full, or defaulted with nothing left
    ///      to recover.
    function _settled(uint256 loanId) internal view returns (bool) {
        Loan memory loan = _loans[loanId];
        return
            loan.status == LoanStatus.Repaid ||
            (loan.status == LoanStatus.Defaulted && LoanAccounting.payoff(loan) == 0);
    }

    /// @dev floor(funded * acc / RAY) is at most what reached the notes (each step's accumulator increment
    ///      rounds down), and every note can claim floor(share * acc / RAY) over its life; the sum of those
    ///      floors is at most the floor of their sum. The difference is owed to no note.
    function _dust(uint256 loanId, Loan storage loan) internal view returns (uint256) {
        uint256 acc = loan.accPerShare;
        uint256 owed;
        uint256 count = loan.noteCount;
        for (uint256 i; i < count; ++i) {
            (, uint256 share) = _noteOf(NoteIds.encode(loanId, i));
            owed += (share * acc) / RAY;
        }
        return (uint256(loan.funded) * acc) / RAY - owed;
    }

    function _bound(bytes32 name, uint256 value, uint256 maxValue) internal pure {
        if (value > maxValue) revert ParameterOutOfBounds(name, value, maxValue);
    }
}
