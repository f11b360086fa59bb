// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PeerLend loan market: listing, funding, drawdown, repayment, distribution and default
/// @notice Amounts are in base units of the stablecoin. Rates and fees in basis points (1 bps = 0.01%).
///
/// Schedule: equal installments (annuity). Rate per period r = aprBps / 10000 * periodLength / 365 days,
/// held in ray (1e27) and rounded up. Installment A = ceil(P * r * (1+r)^n / ((1+r)^n - 1)). Period k
/// (due at drawnAt + k * periodLength) charges interest ceil(B * r) on the scheduled balance B and
/// principal min(A - interest, B); the last installment pays the whole remaining balance, so it absorbs
/// every rounding and lenders are never short.
///
/// Accrual and prepayment rule: interest accrues per second (simple interest at r per period) on the
/// principal actually outstanding, so prepaid principal stops bearing interest at once and a loan paid
/// exactly on its due dates pays exactly the schedule. Interest accrued up to a due date becomes due on
/// that date. No interest accrues after the last due date (late fees do). A payment is applied
/// late fee -> interest (oldest first) -> principal. A payment beyond the full payoff is capped: only
/// the payoff is pulled. The borrower is current when no interest accrued before the last due date is
/// unpaid and the outstanding principal is at or below the contractual balance. Every accrual segment
/// is rounded up (at most one base unit per interaction).
///
/// Late fee: `lateFeeBpsPerDay` of the overdue amount (excluding fees), prorated per second, each newly
/// due installment counted from its own due date. Days past due are measured from the oldest unpaid due
/// date: due date k is paid once the principal is down to its contractual balance (interest is paid
/// first, so this is what `LoanMarketLens.amountDue` asks for); due interest with principal ahead of
/// schedule dates from the latest due date. Tier: 0 current, 1 for 1-30 days, 2 for 31-90, 3 beyond
/// 90; beyond 90 days anyone may mark the loan defaulted.
///
/// Distribution: what lenders receive on a loan is added to `accPerShare` (ray per unit of funded
/// principal, rounded down); a note claims share * (accPerShare - checkpoint) / 1e27 (rounded down).
/// Repay costs the same for 1 or 1,000 notes. Servicing fee and reserve share are taken on interest and
/// late fees (rounded up), kept in the market and pushed by `sweepFees` (so a repay makes one token transfer).
///
/// Default: `markDefault` freezes the debt (no more interest or late fees). Collateral is liquidated by the
/// vault first: its proceeds, and any later repayment, are recoveries that go wholly to the notes. Once
/// collateral is exhausted (or the loan is unsecured) anyone may call `coverFromReserve`, once: the reserve
/// fund pays the notes the remaining principal up to its cap and balance; what is left is recorded as a
/// loss (`writedownPerShare`). The cover does not reduce the borrower's debt: the reserve fund takes over
/// the notes' claim to the principal it paid. Recoveries continue until the frozen debt is paid; their
/// principal goes to the notes until their recorded loss is recovered, then to the reserve fund up to
/// its cover (booked as reserve share, emitted in `LoanRepaid.reserveShare`).
///
/// Views: the contractual schedule, the amount due, days past due and the delinquency tier are served
/// by `LoanMarketLens`, a separate stateless contract, to keep this one under EIP-170.
///
/// Tokens: fee-on-transfer (or any token delivering less than asked) is refused with
/// `FeeOnTransferNotSupported`; rebasing tokens are not supported.
interface ILoanMarket {
    enum LoanStatus {
        None,
        Listed,
        Drawn,
        Repaid,
        Defaulted,
        Cancelled,
        Expired
    }

    /// @notice Listing terms chosen by the borrower (the rate comes from the grade's pricing).
    struct ListingParams {
        uint256 principal; //         requested amount
        uint256 minFill; //           minimum funded amount the borrower may accept after the deadline (0 = principal)
        uint16 numPeriods; //         number of installments
        uint32 periodLength; //       seconds between installments
        uint40 listingDeadline; //    funding closes at this time
        address collateralToken; //   address(0) for an unsecured loan
        uint256 collateralAmount; //  pledged to the collateral vault at listing
    }

    /// @notice Pricing and suitability for one credit grade (1 = A .. 7 = G).
    struct GradeTerms {
        uint16 aprBps;
        uint96 maxPrincipal;
        bool allowed;
        uint8 minRiskClass; // lenders need riskClassOf >= this (1..5; 0 behaves as 1)
    }

    /// @notice One installment of the contractual schedule.
    struct Installment {
        uint40 dueDate;
        uint128 amount;
        uint128 interest;
        uint128 principal;
    }

    /// @notice Loan state, stored packed in seven slots (amounts in stablecoin base units).
    struct Loan {
        // slot 0
        address borrower;
        uint40 listingDeadline;
        uint32 periodLength;
        uint16 numPeriods;
        LoanStatus status;
        // slot 1
        uint96 principal; //        requested; set to the funded amount at drawdown
        uint96 funded; //           sum of the live notes' shares
        uint32 noteCount; //        notes minted so far (next note index)
        uint16 aprBps;
        uint8 grade;
        uint8 flags; //             1 = secured, 2 = reserve cover done
        // slot 2
        uint96 minFill;
        uint40 drawnAt;
        uint40 lastAccrual;
        uint16 duePeriods; //       due dates already processed by accrual
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
        uint128 writedownPerShare; // ray: recorded loss per unit of funded principal
    }

    // ----- events -----
    event LoanListed(
        uint256 indexed loanId, address indexed borrower, uint8 grade, uint256 principal, uint256 minFill,
        uint16 aprBps, uint16 numPeriods, uint32 periodLength, uint40 listingDeadline
    );
    event CollateralPledged(uint256 indexed loanId, address indexed token, uint256 amount);
    event CollateralReleased(uint256 indexed loanId);
    event LoanFunded(uint256 indexed loanId, uint256 indexed noteId, address indexed lender, uint256 amount);
    event LoanDrawn(
        uint256 indexed loanId, address indexed borrower, uint256 principal, uint256 originationFee,
        uint256 installment, uint40 firstDueDate
    );
    event LoanRepaid(
        uint256 indexed loanId, address indexed payer, uint256 lateFee, uint256 interest, uint256 principal,
        uint256 reserveShare, uint256 servicingFee
    );
    event LoanRepaidInFull(uint256 indexed loanId);
    event LiquidationProceedsReceived(uint256 indexed loanId, uint256 amount, uint256 refundedToBorrower);
    event Claimed(uint256 indexed noteId, address holder, uint256 amount);
    event LoanDefaulted(
        uint256 indexed loanId, uint256 principalOutstanding, uint256 interestUnpaid, uint256 lateFeeUnpaid
    );
    event DefaultCovered(uint256 indexed loanId, uint256 covered, uint256 loss, uint256 writedownPerShare);
    event LoanCancelled(uint256 indexed loanId);
    event LoanExpired(uint256 indexed loanId);
    event FundingWithdrawn(uint256 indexed loanId, uint256 indexed noteId, address indexed holder, uint256 amount);
    event FeesSwept(uint256 reserveAmount, uint256 treasuryAmount);
    event ParameterChanged(bytes32 indexed name, uint256 previous, uint256 value);
    event AddressChanged(bytes32 indexed name, address previous, address value);
    event GradeTermsSet(uint8 indexed grade, uint16 aprBps, uint96 maxPrincipal, bool allowed);
    event MinRiskClassSet(uint8 indexed grade, uint8 riskClass);
    event Paused(address account);
    event Unpaused(address account);
    event WoundDown(address account);

    // ----- errors -----
    error ZeroAddress();
    error ZeroAmount();
    error NotEligible(address account);
    error CreditRecordStale(address borrower);
    error InvalidGrade(uint8 grade);
    error GradeNotAllowed(uint8 grade);
    error PrincipalOutOfBounds(uint256 principal, uint256 maxPrincipal);
    error InvalidMinFill(uint256 minFill, uint256 principal);
    error InvalidTerm(uint256 numPeriods, uint256 periodLength);
    error InvalidDeadline(uint256 deadline, uint256 nowTs);
    error TooManyOpenLoans(address borrower, uint256 open, uint256 max);
    error MarketPaused();
    error MarketWoundDown();
    error UnknownLoan(uint256 loanId);
    error InvalidLoanStatus(uint256 loanId, LoanStatus status);
    error ListingClosed(uint256 loanId, uint256 deadline);
    error TicketTooSmall(uint256 amount, uint256 minTicket);
    error OverFunding(uint256 amount, uint256 remaining);
    error BorrowerCannotFund(uint256 loanId);
    error NotSuitable(address lender, uint8 riskClass, uint8 required);
    error NotBorrower(address caller, address borrower);
    error DrawdownNotAllowed(uint256 loanId, uint256 funded, uint256 principal, uint256 minFill);
    error NotExpirable(uint256 loanId);
    error NotNoteHolder(address caller, uint256 noteId);
    error NotDefaultable(uint256 loanId, uint256 daysPastDue);
    error AlreadyCovered(uint256 loanId);
    error CollateralNotExhausted(uint256 loanId, uint256 amount);
    error CollateralVaultNotSet();
    error NotCollateralVault(address caller);
    error FeeOnTransferNotSupported(uint256 expected, uint256 received);
    error ParameterOutOfBounds(bytes32 name, uint256 value, uint256 maxValue);
    error AlreadyWoundDown();
    error NotPaused();
    error AlreadyPaused();

    // ----- borrower -----
    /// @notice Lists a loan. Borrower must be eligible with a fresh credit record whose grade is allowed.
    ///         With collateral, the vault pledges it (the borrower approves the vault beforehand).
    function list(ListingParams calldata params) external returns (uint256 loanId);
    /// @notice Borrower: takes the funds (all funded, or >= minFill after the deadline within the accept window).
    function drawdown(uint256 loanId) external;
    /// @notice Borrower: cancels a listing before drawdown; lenders withdraw their funding.
    function cancel(uint256 loanId) external;
    /// @notice Anyone, on the borrower's behalf; pulls min(amount, payoff). Never paused.
    function repay(uint256 loanId, uint256 amount) external returns (uint256 paid);

    // ----- lender -----
    /// @notice Funds `amount` of a listed loan and mints a note to the caller.
    function fund(uint256 loanId, uint256 amount) external returns (uint256 noteId);
    /// @notice Note holder: pays what the note can claim. Never paused.
    function claim(uint256 noteId) external returns (uint256 amount);
    function claimMany(uint256[] calldata noteIds) external returns (uint256 amount);
    /// @notice Note holder: takes back the funding of a cancelled or expired listing (burns the note).
    function withdrawFunding(uint256 noteId) external returns (uint256 amount);

    // ----- anyone -----
    function expire(uint256 loanId) external;
    function markDefault(uint256 loanId) external;
    function coverFromReserve(uint256 loanId) external;
    function sweepFees() external;

    // ----- collateral vault -----
    /// @notice Vault only: `amount` of stablecoin already transferred here enters the repayment waterfall
    ///         (a recovery after default). Any excess over the debt is refunded to the borrower.
    function receiveLiquidationProceeds(uint256 loanId, uint256 amount) external;
    function outstandingPrincipal(uint256 loanId) external view returns (uint256);
    function isDefaulted(uint256 loanId) external view returns (bool);
    function stablecoin() external view returns (address);

    // ----- governance -----
    /// @notice RISK_ROLE
    function setGradeTerms(uint8 grade, uint16 aprBps, uint96 maxPrincipal, bool allowed) external;
    function setMinRiskClass(uint8 grade, uint8 riskClass) external;
    function setFees(uint16 originationFeeBps, uint16 servicingFeeBps, uint16 reserveShareBps) external;
    function setLateFeeBpsPerDay(uint16 bps) external;
    function setMinTicket(uint96 amount) external;
    function setMaxOpenLoansPerBorrower(uint8 maxOpen) external;
    /// @notice DEFAULT_ADMIN_ROLE
    function setTreasury(address treasury) external;
    function setCollateralVault(address vault) external;
    function windDown() external;
    /// @notice PAUSER_ROLE: pauses listing, funding, drawdown and note transfers (never repay or claim).
    function pause() external;
    function unpause() external;

    // ----- views -----
    function paused() external view returns (bool);
    function woundDown() external view returns (bool);
    function windDownProgress() external view returns (uint256 loansOpen, uint256 principalOutstanding);
    function totalPrincipalOutstanding() external view returns (uint256);
    function fundedPrincipal(uint256 loanId) external view returns (uint256);
    /// @return the loan accrued to now
    function getLoan(uint256 loanId) external view returns (Loan memory);
    function payoffAmount(uint256 loanId) external view returns (uint256);
    function claimable(uint256 noteId) external view returns (uint256);
    function gradeTerms(uint8 grade) external view returns (GradeTerms memory);
    function minRiskClassForGrade(uint8 grade) external view returns (uint8);
}
