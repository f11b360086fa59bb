// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {ILoanNote} from "../interfaces/ILoanNote.sol";
import {INoteLedger} from "../interfaces/Interfaces.sol";
import {NoteIds} from "../common/NoteIds.sol";

/// @title PeerLend loan note (minimal ERC-721 over the market's note ledger)
/// @notice Holders and shares live in the market (see {ILoanNote}); this contract keeps balances and
///         approvals and emits the ERC-721 events. No enumeration: the indexer rebuilds holdings from
///         Transfer events. Mints skip the receiver callback (the market checks the lender; no re-entry
///         point during funding).
contract LoanNote is ILoanNote, IERC721Metadata, IERC721Errors {
    /// @inheritdoc ILoanNote
    address public immutable market;

    mapping(address holder => uint256) private _balances;
    mapping(uint256 noteId => address) private _approvals;
    mapping(address holder => mapping(address operator => bool)) private _operators;

    /// @param market_ the market's address, known before it is deployed (the deployer's next contract
    ///        address but a few; see scripts/deployment/market.py). Immutable rather than set after
    ///        deployment: every mint, sale and burn checks its caller against it, and a code constant
    ///        saves those paths a cold storage read (2,100 gas). The market refuses, at construction, a
    ///        note bound to any other address, so a wrong guess fails the deployment, never a user.
    constructor(address market_) {
        if (market_ == address(0)) revert ZeroAddress();
        market = market_;
    }

    modifier onlyMarket() {
        if (msg.sender != market) revert NotMarket(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ market

    /// @inheritdoc ILoanNote
    function mint(address to, uint256 noteId) external onlyMarket {
        unchecked {
            ++_balances[to]; // cannot overflow: bounded by the number of notes
        }
        emit Transfer(address(0), to, noteId);
    }

    /// @inheritdoc ILoanNote
    function transferBySale(address from, address to, uint256 noteId) external onlyMarket {
        _moved(from, to, noteId);
    }

    /// @inheritdoc ILoanNote
    function burn(address from, uint256 noteId) external onlyMarket {
        delete _approvals[noteId];
        unchecked {
            --_balances[from]; // the market burns only a note `from` holds, so its balance is >= 1
        }
        emit Transfer(from, address(0), noteId);
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

    /// @dev Approval is checked against `from`; the market then checks that `from` holds the note (so
    ///      an approval given by anyone else is worthless) and applies the transfer rules.
    function transferFrom(address from, address to, uint256 noteId) public {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        if (msg.sender != from && !_operators[from][msg.sender] && _approvals[noteId] != msg.sender) {
            revert ERC721InsufficientApproval(msg.sender, noteId);
        }
        INoteLedger(market).transferNote(from, to, noteId);
        _moved(from, to, noteId);
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
        (holder, share) = INoteLedger(market).noteInfo(noteId);
        if (holder == address(0)) revert ERC721NonexistentToken(noteId);
    }

    function shareOf(uint256 noteId) external view returns (uint256 share) {
        (, share) = INoteLedger(market).noteInfo(noteId);
    }

    function loanIdOf(uint256 noteId) external pure returns (uint256) {
        return NoteIds.loanOf(noteId);
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
        return
            interfaceId == type(IERC165).interfaceId ||
            interfaceId == type(IERC721).interfaceId ||
            interfaceId == type(IERC721Metadata).interfaceId;
    }

    /// @dev The market moved `noteId` from `from` to `to` in its ledger: approvals end, balances follow.
    function _moved(address from, address to, uint256 noteId) private {
        if (_approvals[noteId] != address(0)) delete _approvals[noteId];
        unchecked {
            --_balances[from]; // from held this note
            ++_balances[to]; // bounded by the number of notes
        }
        emit Transfer(from, to, noteId);
    }

    function _requireOwned(uint256 noteId) private view returns (address holder) {
        (holder, ) = INoteLedger(market).noteInfo(noteId);
        if (holder == address(0)) revert ERC721NonexistentToken(noteId);
    }
}
