// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Errors more than one PeerLend contract raises
/// @notice Declared once, with one signature each, in the style of OpenZeppelin's IERC6093: a front end
///         that holds this ABI decodes the same failure the same way whichever contract raised it.
///         Errors only one contract raises stay in that contract's interface.
interface IPeerLendErrors {
    /// @dev An amount that must be positive is zero.
    error ZeroAmount();

    /// @dev A required address argument is the zero address.
    error ZeroAddress();

    /// @dev The account given to receive the admin role cannot hold it.
    /// @param admin the rejected admin (the zero address)
    error InvalidAdmin(address admin);

    /// @dev A credit grade outside 1 (A) .. GRADE_COUNT (G).
    /// @param grade the rejected grade
    error InvalidGrade(uint8 grade);

    /// @dev A borrower address that cannot borrow here (the zero address).
    /// @param borrower the rejected borrower
    error InvalidBorrower(address borrower);

    /// @dev The token delivered less than the amount asked (fee-on-transfer or rebasing): PeerLend
    ///      accounts in exact base units and refuses such tokens.
    /// @param token    the token moved
    /// @param expected the amount asked
    /// @param received the amount that arrived
    error FeeOnTransferNotSupported(address token, uint256 expected, uint256 received);

    /// @dev Only the bound loan market may call this function.
    /// @param caller the rejected caller
    error NotMarket(address caller);

    /// @dev The loan market of this contract was bound before and cannot change.
    /// @param market the market already bound
    error MarketAlreadySet(address market);

    /// @dev The wallet is not KYC-attested, its attestation expired, or it is frozen.
    /// @param account the wallet
    error NotEligible(address account);

    /// @dev The wallet is frozen by compliance: it cannot send, receive or claim until unfrozen.
    /// @param account the wallet
    error WalletFrozen(address account);

    /// @dev The wallet's investor risk class does not admit the loan's grade.
    /// @param account   the wallet
    /// @param riskClass its risk class (0 when not eligible)
    /// @param required  the lowest risk class the grade admits
    error NotSuitable(address account, uint8 riskClass, uint8 required);

    /// @dev A governed parameter above its bound.
    /// @param name     the parameter
    /// @param value    the rejected value
    /// @param maxValue its bound
    error ParameterOutOfBounds(bytes32 name, uint256 value, uint256 maxValue);

    /// @dev The loan market is wound down: no new listings, fundings or auto-invest deposits; repayments,
    ///      claims and withdrawals go on.
    error MarketWoundDown();

    /// @dev A signed message used after its deadline.
    /// @param deadline the message's deadline (unix seconds)
    /// @param nowTs    the block's time
    error SignatureExpired(uint256 deadline, uint256 nowTs);
}
