// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketTypes} from "../interfaces/ILoanMarketTypes.sol";

/// @title Packed storage of the loan market, shared by LoanMarket and LoanMarketExt
/// @dev Every part (LoanMarket, LoanMarketExt, LoanMarketOrigination, LoanMarketRestructuring) inherits
///      this contract first and declares no storage of its own before it, so every slot below means the
///      same in all of them (LoanMarketExt's AccessControl slot follows it; the others declare none). A
///      test compares the compiled layouts. Append only.
///
///      Loan slot layout (ILoanMarketTypes.Loan) is chosen so that fund touches two loan slots and
///      repay seven, whatever the number of notes. Amount fields: funded principal fits uint96
///      (7.9e28 base units); balances that can grow with interest use uint128.
// One storage layout shared by every part of the market must hold all of its state, so the part count
// rather than this contract decides how many variables there are.
// solhint-disable-next-line max-states-count
abstract contract LoanMarketStorage is ILoanMarketTypes {
    struct Totals {
        uint128 principalOutstanding; // performing (drawn, not defaulted) loans
        uint64 openLoans; //            listed or drawn
        uint64 nextLoanId; //           the last loan id given out (ids start at 1)
    }

    struct PendingFees {
        uint128 reserve; //  reserve share not yet swept, plus a one-unit sentinel
        uint128 treasury; // servicing fees not yet swept, plus a one-unit sentinel
    }

    uint8 internal constant FLAG_SECURED = 1;
    uint8 internal constant FLAG_COVERED = 2;
    uint8 internal constant FLAG_DUST_SWEPT = 4;
    /// @dev The schedule in force is a restructuring's (see `_scheduleBases`): only then does a schedule
    ///      walk read that slot, so a loan never restructured pays nothing for the feature.
    uint8 internal constant FLAG_RESTRUCTURED = 8;

    // slot 0: governed parameters read by list, fund and drawdown
    MarketConfig internal _config;
    // slot 1
    Totals internal _totals;
    // slot 2: each field holds a one-unit sentinel, so a repay never pays for a fresh slot
    PendingFees internal _pending;
    // slot 3
    address internal _treasury;
    // slot 4: the collateral vault (zero until set)
    address internal _vault;
    // slot 5: the reserve fund; replaceable through the timelock (see setReserveFund)
    address internal _reserve;
    // slot 6: caps on a person's outstanding principal
    PersonCaps internal _personCaps;

    // slot 7
    mapping(uint256 loanId => Loan) internal _loans;
    // slot 8
    mapping(uint8 grade => GradeTerms) internal _grades;
    // slot 9
    mapping(address borrower => uint256) internal _openLoansOf;
    // slot 10: accPerShare already claimed by the note
    mapping(uint256 noteId => uint256) internal _checkpoint;
    // slot 11: the note ledger, holder in the low 160 bits and principal share in the high 96 bits
    mapping(uint256 noteId => uint256) internal _notes;
    // slot 12: principal counted against each person's cap (see ILoanMarketExt.personPrincipalOf)
    mapping(bytes32 subject => uint256) internal _personPrincipal;
    // slot 13: the person each loan counts against, fixed at listing
    mapping(uint256 loanId => bytes32) internal _loanSubject;
    // slot 14: what reserve funds paid for each loan: their cap and their claim on recoveries
    mapping(uint256 loanId => uint256) internal _reserveCover;
    // slot 15: signed offers already listed
    mapping(address borrower => mapping(uint256 nonce => bool)) internal _offerUsed;
    // slot 16: liquidation proceeds beyond a loan's debt, owed to its borrower until withdrawn
    mapping(address borrower => uint256) internal _refunds;

    // ---- restructuring (LoanMarketRestructuring; see RestructureTerms for the packing)
    // slot 17: the last restructuring proposal id given out (ids start at 1, unique across loans)
    uint256 internal _lastProposalId;
    // slot 18: each loan's latest proposal, packed (id, extra periods, holiday periods, expiry); cleared
    // when executed or withdrawn
    mapping(uint256 loanId => uint256) internal _proposals;
    // slot 19: who approved a proposal for each note; it counts only while that wallet still holds the note
    mapping(uint256 proposalId => mapping(uint256 noteId => address)) internal _restructureApprovers;
    // slot 20: nonces of signed (EIP-712) restructuring approvals, per holder
    mapping(address holder => uint256) internal _restructureNonces;
    // slot 21: where the schedule in force starts, packed (balance, period, first installment's interest);
    // read only when the loan carries FLAG_RESTRUCTURED
    mapping(uint256 loanId => uint256) internal _scheduleBases;

    // ---- loan agreements
    // slot 22: the keccak-256 of each loan's agreement, bound at listing, accepted by every funding
    mapping(uint256 loanId => bytes32) internal _agreementHashes;
}
