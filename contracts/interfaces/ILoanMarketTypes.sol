// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Types of the PeerLend loan market
/// @notice Amounts are stablecoin base units; rates and fees basis points (1 bps = 0.01%).
interface ILoanMarketTypes {
    enum LoanStatus {
        None,
        Listed,
        Drawn,
        Repaid,
        Defaulted,
        Cancelled,
        Expired
    }

    /// @notice Listing terms chosen by the borrower within its offer.
    struct ListingParams {
        uint256 principal; //         requested amount
        uint256 minFill; //           minimum funded amount the borrower may accept after the deadline (0 = principal)
        uint16 numPeriods; //         number of installments
        uint32 periodLength; //       seconds between installments
        uint40 listingDeadline; //    funding closes at this time
        address collateralToken; //   address(0) for an unsecured loan
        uint256 collateralAmount; //  pledged to the collateral vault at listing
    }

    /// @notice The risk service's approved offer, signed (EIP-712) by an OFFER_SIGNER_ROLE holder. A
    ///         listing must stay within it, and each offer lists at most one loan.
    /// LoanOffer(address borrower,uint96 maxPrincipal,uint16 maxPeriods,uint32 periodLength,uint8 grade,
    ///           uint16 aprBps,address collateralToken,uint256 minCollateral,uint40 expiry,uint256 nonce)
    struct LoanOffer {
        address borrower;
        uint96 maxPrincipal;
        uint16 maxPeriods;
        uint32 periodLength; //       the listing must use exactly this period length
        uint8 grade; //               the grade the offer was priced at; the loan is listed at it
        uint16 aprBps; //             must equal the grade's current APR (a governance change voids older offers)
        address collateralToken; //   address(0): any enabled collateral, if the grade requires one
        uint256 minCollateral; //     least amount of `collateralToken` to pledge
        uint40 expiry; //             unix seconds; the offer cannot list after this time
        uint256 nonce; //             any value the signer never reused for this borrower
    }

    /// @notice Pricing and suitability for one credit grade (1 = A .. 7 = G).
    struct GradeTerms {
        uint16 aprBps;
        uint96 maxPrincipal;
        bool allowed;
        uint8 minRiskClass; //        lenders and note holders need riskClassOf >= this (1..5; 0 behaves as 1)
        bool collateralRequired; //   a loan of this grade must be secured
    }

    /// @notice Governed parameters read by list, fund and drawdown, packed in one slot.
    struct MarketConfig {
        uint16 originationFeeBps; //  of the drawn principal, to the treasury
        uint16 servicingFeeBps; //    fixed into each loan at drawdown
        uint16 reserveShareBps; //    fixed into each loan at drawdown
        uint16 lateFeeBpsPerDay; //   fixed into each loan at drawdown
        uint8 maxOpenLoansPerBorrower;
        bool paused;
        bool woundDown;
        uint96 minTicket;
        uint16 resaleFeeBps; //      of a note's sale price, from the seller to the treasury (<= 100)
        uint16 maxPremiumBps; //     a note sells at most this far above par
        uint16 minYieldBps; //       a note that is not distressed sells at no lower yield to maturity
    }

    /// @notice A listing as a funder checks it, in one read (`listingTerms`): what AutoInvest matches a
    ///         mandate against, and the market's own ticket and suitability rules.
    struct ListingTerms {
        address borrower;
        bytes32 subject; //          the person the loan counts against
        LoanStatus status;
        uint40 listingDeadline;
        uint8 grade;
        uint16 aprBps;
        uint16 numPeriods;
        uint32 periodLength;
        uint96 principal;
        uint96 funded;
        uint96 minTicket;
        uint8 minRiskClass; //       1..5 (a grade without one admits class 1)
    }

    /// @notice What `LoanMarketLens.quote` answers for a note at a price (see {INoteMarket}).
    struct NoteQuote {
        uint256 principal; //        the note's share of the outstanding principal
        uint256 accruedInterest; //  its share of interest accrued to now, net of fees
        uint256 par; //              principal + accruedInterest
        uint256 priceBpsOfPar; //    price as a percentage of par, in bps (10,000 = at par)
        int256 yieldBps; //          annual yield to maturity at the price (0 when distressed)
        uint256 daysPastDue; //      of the loan
        bool distressed; //          defaulted or more than 30 days past due
        uint256 sellerEarned; //     what the note earned and has not claimed: paid to the seller
        uint256 maxPrice; //         the highest price the market accepts for the note now
        uint256 remainingPeriods; // installments not yet due
    }

    /// @notice Per-person caps on outstanding principal (see `personPrincipalOf`), across all wallets
    ///         the identity registry links to one person.
    struct PersonCaps {
        uint96 individual;
        uint96 entity;
    }

    /// @notice A borrower's proposal of a new schedule (see {ILoanMarketRestructuring}).
    struct RestructureProposal {
        uint256 proposalId; //       0 when the loan has no proposal on record
        uint16 extraPeriods; //      installments added to the schedule
        uint16 holidayPeriods; //    periods in which no installment falls due
        uint40 expiry; //            no approval or execution after this time
        bool open; //                neither executed, withdrawn nor expired
    }

    /// @notice Where the schedule in force starts: after a restructuring, the principal outstanding and
    ///         the due periods already passed when it took effect, and the charges the first installment
    ///         of the new schedule carries beside its principal if nothing is paid before it: the late fees
    ///         and interest unpaid then, plus the interest that accrues to the first due date (the
    ///         holiday's interest falls due with it). A loan never restructured starts at its principal and
    ///         period 0 (`restructured` false).
    struct ScheduleBase {
        bool restructured;
        uint256 balance;
        uint256 period;
        uint256 firstCharges;
    }

    /// @notice One installment of the contractual schedule.
    struct Installment {
        uint40 dueDate;
        uint128 amount;
        uint128 interest; //  a restructured schedule's first: its charges (late fees and interest carried)
        uint128 principal;
    }

    /// @notice Loan state, stored packed in seven slots (amounts in stablecoin base units).
    /// @dev The schedule in force: due date k (1-based) is at drawnAt + k * periodLength, for k up to
    ///      numPeriods, each installment `installment`. A restructuring re-bases it (see
    ///      {ILoanMarketRestructuring}): numPeriods and installment change, and drawnAt moves on by the
    ///      holiday (and by the periods a loan past maturity had run over), so after one drawnAt is the
    ///      schedule's anchor, no longer the drawdown time (which LoanDrawn records).
    struct Loan {
        // slot 0
        address borrower;
        uint40 listingDeadline;
        uint32 periodLength;
        uint16 numPeriods; //       installments of the schedule in force, counted from the first
        LoanStatus status;
        // slot 1
        uint96 principal; //        requested; set to the funded amount at drawdown
        uint96 funded; //           sum of the live notes' shares
        uint32 noteCount; //        notes minted so far (next note index)
        uint16 aprBps;
        uint8 grade;
        uint8 flags; //             1 = secured, 2 = reserve cover received, 4 = dust swept, 8 = restructured
        // slot 2: the fees are fixed at drawdown, so a governance change applies to later loans only
        uint96 minFill;
        uint40 drawnAt; //          the schedule's anchor: drawdown time until a restructuring moves it
        uint40 lastAccrual;
        uint16 duePeriods; //       due dates already processed by accrual
        uint16 servicingFeeBps; //  of interest and late fees, to the treasury
        uint16 reserveShareBps; //  of interest and late fees, to the reserve fund
        uint16 lateFeeBpsPerDay; // of the overdue amount
        // slots 3-6: every slot a repay writes holds a field that is non-zero from drawdown on, so a
        // repay never pays for a fresh (zero to non-zero) slot
        // slot 3
        uint128 installment;
        uint128 accPerShare; //     ray: what lenders received per unit of funded principal
        // slot 4
        uint128 principalOutstanding;
        uint128 interestUnpaid; //  accrued to lastAccrual, due or not
        // slot 5
        uint128 schedBalance; //    contractual balance after `duePeriods` installments
        uint128 interestNotDue; //  part of interestUnpaid accrued since the last due date
        // slot 6
        uint128 lateFeeUnpaid;
        uint128 writedownPerShare; // ray: loss per unit of funded principal recorded by the latest cover
    }
}
