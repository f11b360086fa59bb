// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPeerLendErrors} from "./IPeerLendErrors.sol";

/// @title Auto-invest mandates: each lender's deposits fund listings by that lender's own rules
/// @notice There is no pool. Every lender has a ledger of its own (deposited, withdrawn, invested,
///         returned) and its balance is `deposited + returned - withdrawn - invested`; nothing is shared
///         and nothing is priced in shares. A note bought by a mandate is minted to the lender, never to
///         this contract, and is the lender's to claim, sell or transfer like any other.
///
///         Fair order. Every lender has a place in one queue (`turnOf`): its first deposit puts it at the
///         back, and each allocation that funds it moves it to the back again. `allocate` takes the
///         lenders it names in strictly ascending place and serves each whose mandate matches, so among
///         lenders that match a loan equally the one that waited longest is funded first, and one who was
///         just funded waits for everyone else. An early depositor cannot take every loan. The keeper
///         names every matching lender in queue order; anyone else may call `allocate` too, and naming only
///         itself just sends the caller to the back of the queue.
/// @dev Amounts are stablecoin base units; rates basis points.
interface IAutoInvest is IPeerLendErrors {
    /// @notice What a lender's money may fund.
    struct Mandate {
        uint8 grades; //           bit g-1 admits grade g (A = bit 0 .. G = bit 6)
        uint16 minAprBps; //       the loan's APR at least this
        uint16 maxTermDays; //     the loan's term (periods x period length) at most this
        uint96 amountPerLoan; //   the ticket: at least the market's minimum, at most the diversification share
        uint96 maxPerBorrower; //  all principal this mandate ever funded to one person, across the person's wallets
        uint8 lockTier; //         0 none, 1..4: 30, 90, 180, 365 days, counted from setting it and from each deposit
        bool active;
    }

    /// @notice A lender's ledger as the contract keeps it.
    struct Account {
        uint256 deposited;
        uint256 withdrawn;
        uint256 invested; //       principal funded by allocations
        uint256 returned; //       repayments claimed into the balance by `reinvest`
        uint256 balance; //        deposited + returned - withdrawn - invested
        uint256 lockedUntil; //    withdrawals wait until this time
        uint256 turn; //           place in the allocation queue (0: never deposited)
    }

    event Deposited(address indexed lender, uint256 amount, uint256 lockedUntil);
    event Withdrawn(address indexed lender, uint256 amount);
    event MandateSet(address indexed lender, Mandate mandate, uint256 lockedUntil);
    event MandateRevoked(address indexed lender);
    /// @param turn the lender's place after this allocation (the back of the queue)
    event Allocated(
        uint256 indexed loanId,
        address indexed lender,
        uint256 indexed noteId,
        uint256 amount,
        uint256 turn
    );
    event Reinvested(address indexed lender, uint256 amount);
    event MaxShareSet(uint256 maxShareBps);

    /// @dev `amount` exceeds the lender's uninvested balance.
    error InsufficientBalance(address lender, uint256 balance, uint256 amount);
    /// @dev The lender's lock-up runs until `until`.
    error BalanceLocked(address lender, uint256 until);
    /// @dev A mandate field is out of range (`field` names it).
    error InvalidMandate(bytes32 field);
    /// @dev `allocate` names lenders out of queue order, twice, or one with no place (never deposited).
    error LendersOutOfTurn(address lender, uint256 turn, uint256 previousTurn);
    /// @dev No lender named matches the loan: nothing to fund.
    error NothingAllocated(uint256 loanId);
    /// @dev The loan is not listed for funding.
    error LoanNotListed(uint256 loanId);
    /// @dev The mandate signature is not the lender's (EOA or ERC-1271).
    error InvalidMandateSignature(address lender);

    /// @notice Eligible (KYC-attested, not frozen) lender, while the market is not wound down: adds
    ///         `amount` to its balance. Extends its lock to now + its mandate's lock tier. Refuses tokens
    ///         that deliver less than asked.
    function deposit(uint256 amount) external;

    /// @notice Lender, not frozen, after its lock-up: takes `amount` of its uninvested balance.
    function withdraw(uint256 amount) external;

    /// @notice Lender: sets its mandate (and starts its lock tier, if any, from now).
    function setMandate(Mandate calldata mandate) external;

    /// @notice Anyone: submits a mandate the lender signed (EIP-712 `SetMandate`, see `MANDATE_TYPEHASH`),
    ///         with the lender's current nonce and before `deadline`. A signature works once.
    function setMandateBySig(
        address lender,
        Mandate calldata mandate,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Lender: stops allocations to it; its balance and lock stay as they are.
    function revokeMandate() external;

    /// @notice Anyone, while `loanId` is listed: funds it from each of `lenders` (strictly ascending
    ///         `turnOf`) whose mandate admits it, whose balance and diversification share hold the ticket,
    ///         and whose exposure to the borrower stays within its cap; skips the others. Each note is
    ///         minted to its lender. Reverts if nobody is funded.
    /// @return total the principal funded
    function allocate(uint256 loanId, address[] calldata lenders) external returns (uint256 total);

    /// @notice Lender: claims what `noteIds` (its notes) earned into its balance, to be invested again.
    function reinvest(uint256[] calldata noteIds) external returns (uint256 amount);

    /// @notice DEFAULT_ADMIN_ROLE: a ticket may be at most max(minimum ticket, this share of the lender's
    ///         net assets, `deposited + returned - withdrawn`). 100 .. 10,000 bps.
    function setMaxShare(uint256 maxShareBps) external;

    function accountOf(address lender) external view returns (Account memory);
    function mandateOf(address lender) external view returns (Mandate memory);
    function turnOf(address lender) external view returns (uint256);
    /// @return principal the lender's mandate funded to the person behind `subject` so far
    function exposureOf(address lender, bytes32 subject) external view returns (uint256);
    function allocated(uint256 loanId, address lender) external view returns (bool);
    function maxShareBps() external view returns (uint256);
    function market() external view returns (address);
    function nonces(address lender) external view returns (uint256);
    function lockDuration(uint8 tier) external pure returns (uint256);
    // solhint-disable-next-line func-name-mixedcase
    function MANDATE_TYPEHASH() external view returns (bytes32);
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32);
}
