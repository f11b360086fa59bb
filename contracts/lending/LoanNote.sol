// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {ILoanNote} from "../interfaces/ILoanNote.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";

interface IMarketPause {
    function paused() external view returns (bool);
}

/// @title PeerLend loan note (minimal ERC-721)
/// @notice A minimal ERC-721 rather than OpenZeppelin's: holder and principal share share one storage slot,
///         so a mint writes two fresh slots (note, holder balance) instead of three. No enumeration: the
///         indexer rebuilds holdings from Transfer events. Mints skip the receiver callback (the market
///         checks the lender; no re-entry point during funding).
contract LoanNote is ILoanNote, IERC721Metadata, IERC721Errors {
    IIdentityRegistry public immutable identityRegistry;
    address private immutable _initializer;
    address public market;

    /// @dev holder in the low 160 bits, principal share in the high 96 bits
    mapping(uint256 noteId => uint256) private _notes;
    mapping(address holder => uint256) private _balances;
    mapping(uint256 noteId => address) private _approvals;
    mapping(address holder => mapping(address operator => bool)) private _operators;

    constructor(IIdentityRegistry identityRegistry_) {
        identityRegistry = identityRegistry_;
        _initializer = msg.sender;
    }

    modifier onlyMarket() {
        if (msg.sender != market) revert NotMarket(msg.sender);
        _;
    }

    /// @inheritdoc ILoanNote
    function setMarket(address market_) external {
        if (msg.sender != _initializer) revert NotInitializer(msg.sender);
        if (market != address(0)) revert MarketAlreadySet(market);
        if (market_ == address(0)) revert ERC721InvalidReceiver(address(0));
        market = market_;
        emit MarketSet(market_);
    }

    // ------------------------------------------------------------------ market

    /// @inheritdoc ILoanNote
    function mint(address to, uint256 noteId, uint256 share) external onlyMarket {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        if (share >> 96 != 0) revert ShareTooLarge(share);
        if (_notes[noteId] != 0) revert ERC721InvalidSender(address(0));
        _notes[noteId] = uint256(uint160(to)) | (share << 160);
        unchecked {
            ++_balances[to]; // cannot overflow: bounded by the number of notes
        }
        emit Transfer(address(0), to, noteId);
    }

    /// @inheritdoc ILoanNote
    function burn(uint256 noteId) external onlyMarket {
        address holder = _requireOwned(noteId);
        delete _notes[noteId];
        delete _approvals[noteId];
        unchecked {
            --_balances[holder]; // holder owns this note, so its balance is >= 1
        }
        emit Transfer(holder, address(0), noteId);
    }

    // ------------------------------------------------------------------ ERC-721

    function balanceOf(address holder) external view returns (uint256) {
        if (holder == address(0)) revert ERC721InvalidOwner(address(0));
        return _balances[holder];
    }

    function ownerOf(uint256 noteId) external view returns (address) {
        return _requireOwned(noteId);
    }

    function approve(address to, uint256 noteId) external {
        address holder = _requireOwned(noteId);
        if (msg.sender != holder && !_operators[holder][msg.sender]) revert ERC721InvalidApprover(msg.sender);
        _approvals[noteId] = to;
        emit Approval(holder, to, noteId);
    }

    function getApproved(uint256 noteId) external view returns (address) {
        _requireOwned(noteId);
        return _approvals[noteId];
    }

    function setApprovalForAll(address operator, bool approved) external {
        if (operator == address(0)) revert ERC721InvalidOperator(operator);
        _operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function isApprovedForAll(address holder, address operator) external view returns (bool) {
        return _operators[holder][operator];
    }

    function transferFrom(address from, address to, uint256 noteId) public {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        uint256 packed = _notes[noteId];
        address holder = address(uint160(packed));
        if (holder == address(0)) revert ERC721NonexistentToken(noteId);
        if (holder != from) revert ERC721IncorrectOwner(from, noteId, holder);
        if (msg.sender != holder && !_operators[holder][msg.sender] && _approvals[noteId] != msg.sender) {
            revert ERC721InsufficientApproval(msg.sender, noteId);
        }
        // Transfer restrictions: the crisis pause and the identity registry (notes move only between
        // eligible wallets).
        if (IMarketPause(market).paused()) revert NoteTransfersPaused();
        if (!identityRegistry.isEligible(to)) revert RecipientNotEligible(to);

        delete _approvals[noteId];
        unchecked {
            --_balances[from]; // from holds this note
            ++_balances[to]; // bounded by the number of notes
        }
        _notes[noteId] = (packed & ~uint256(type(uint160).max)) | uint160(to);
        emit Transfer(from, to, noteId);
    }

    function safeTransferFrom(address from, address to, uint256 noteId) external {
        safeTransferFrom(from, to, noteId, "");
    }

    function safeTransferFrom(address from, address to, uint256 noteId, bytes memory data) public {
        transferFrom(from, to, noteId);
        if (to.code.length != 0) {
            try IERC721Receiver(to).onERC721Received(msg.sender, from, noteId, data) returns (bytes4 ret) {
                if (ret != IERC721Receiver.onERC721Received.selector) revert ERC721InvalidReceiver(to);
            } catch {
                revert ERC721InvalidReceiver(to);
            }
        }
    }

    // ------------------------------------------------------------------ note data

    /// @inheritdoc ILoanNote
    function noteInfo(uint256 noteId) external view returns (address holder, uint256 share) {
        uint256 packed = _notes[noteId];
        holder = address(uint160(packed));
        if (holder == address(0)) revert ERC721NonexistentToken(noteId);
        share = packed >> 160;
    }

    function shareOf(uint256 noteId) external view returns (uint256) {
        return _notes[noteId] >> 160;
    }

    function loanIdOf(uint256 noteId) external pure returns (uint256) {
        return noteId >> 32;
    }

    // ------------------------------------------------------------------ metadata / ERC-165

    function name() external pure returns (string memory) {
        return "PeerLend Loan Note";
    }

    function symbol() external pure returns (string memory) {
        return "PLNOTE";
    }

    /// @dev No off-chain metadata: note terms are read from the market.
    function tokenURI(uint256 noteId) external view returns (string memory) {
        _requireOwned(noteId);
        return "";
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC721).interfaceId
            || interfaceId == type(IERC721Metadata).interfaceId;
    }

    function _requireOwned(uint256 noteId) private view returns (address holder) {
        holder = address(uint160(_notes[noteId]));
        if (holder == address(0)) revert ERC721NonexistentToken(noteId);
    }
}
