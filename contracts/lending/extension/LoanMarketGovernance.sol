// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICollateralVault} from "../../interfaces/ICollateralVault.sol";
import {ICollateralVaultAdmin} from "../../interfaces/ICollateralVaultAdmin.sol";
import {IReserveFund} from "../../interfaces/IReserveFund.sol";
import {MAX_RISK_CLASS} from "../../common/Constants.sol";
import {LoanMarketExtBase} from "./LoanMarketExtBase.sol";

/// @title Governance of the loan market: pricing, suitability, fees, limits, addresses, pause, wind-down
/// @notice RISK_ROLE and DEFAULT_ADMIN_ROLE are held by the timelock; PAUSER_ROLE by the pause guardian.
abstract contract LoanMarketGovernance is LoanMarketExtBase {
    uint256 internal constant MAX_FEE_BPS = 2_000;
    uint256 internal constant MAX_RESERVE_SHARE_BPS = 5_000;
    uint256 internal constant MAX_LATE_FEE_BPS_PER_DAY = 100;
    uint256 internal constant MAX_APR_BPS = 10_000;
    uint256 internal constant MAX_OPEN_LOANS = 20;

    function setGradeTerms(
        uint8 grade,
        uint16 aprBps,
        uint96 maxPrincipal,
        bool allowed,
        bool collateralRequired
    ) external onlyRole(RISK_ROLE) {
        _requireGrade(grade);
        _bound("aprBps", aprBps, MAX_APR_BPS);
        GradeTerms storage t = _grades[grade];
        t.aprBps = aprBps;
        t.maxPrincipal = maxPrincipal;
        t.allowed = allowed;
        t.collateralRequired = collateralRequired;
        emit GradeTermsSet(grade, aprBps, maxPrincipal, allowed, collateralRequired);
    }

    function setMinRiskClass(uint8 grade, uint8 riskClass) external onlyRole(RISK_ROLE) {
        _requireGrade(grade);
        if (riskClass == 0 || riskClass > MAX_RISK_CLASS) {
            revert ParameterOutOfBounds("minRiskClass", riskClass, MAX_RISK_CLASS);
        }
        _grades[grade].minRiskClass = riskClass;
        emit MinRiskClassSet(grade, riskClass);
    }

    function setFees(
        uint16 originationFeeBps,
        uint16 servicingFeeBps,
        uint16 reserveShareBps
    ) external onlyRole(RISK_ROLE) {
        _bound("originationFeeBps", originationFeeBps, MAX_FEE_BPS);
        _bound("servicingFeeBps", servicingFeeBps, MAX_FEE_BPS);
        _bound("reserveShareBps", reserveShareBps, MAX_RESERVE_SHARE_BPS);
        MarketConfig storage c = _config;
        emit ParameterChanged("originationFeeBps", c.originationFeeBps, originationFeeBps);
        emit ParameterChanged("servicingFeeBps", c.servicingFeeBps, servicingFeeBps);
        emit ParameterChanged("reserveShareBps", c.reserveShareBps, reserveShareBps);
        c.originationFeeBps = originationFeeBps;
        c.servicingFeeBps = servicingFeeBps;
        c.reserveShareBps = reserveShareBps;
    }

    function setLateFeeBpsPerDay(uint16 bps) external onlyRole(RISK_ROLE) {
        _bound("lateFeeBpsPerDay", bps, MAX_LATE_FEE_BPS_PER_DAY);
        emit ParameterChanged("lateFeeBpsPerDay", _config.lateFeeBpsPerDay, bps);
        _config.lateFeeBpsPerDay = bps;
    }

    function setMinTicket(uint96 amount) external onlyRole(RISK_ROLE) {
        emit ParameterChanged("minTicket", _config.minTicket, amount);
        _config.minTicket = amount;
    }

    function setMaxOpenLoansPerBorrower(uint8 maxOpen) external onlyRole(RISK_ROLE) {
        if (maxOpen == 0 || maxOpen > MAX_OPEN_LOANS) {
            revert ParameterOutOfBounds("maxOpenLoansPerBorrower", maxOpen, MAX_OPEN_LOANS);
        }
        emit ParameterChanged("maxOpenLoansPerBorrower", _config.maxOpenLoansPerBorrower, maxOpen);
        _config.maxOpenLoansPerBorrower = maxOpen;
    }

    function setPersonCaps(uint96 individual, uint96 entity) external onlyRole(RISK_ROLE) {
        _personCaps = PersonCaps(individual, entity);
        emit PersonCapsSet(individual, entity);
    }

    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        emit AddressChanged("treasury", _treasury, treasury_);
        _treasury = treasury_;
    }

    function setCollateralVault(address vault) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (vault == address(0)) revert ZeroAddress();
        if (ICollateralVaultAdmin(vault).market() != address(this)) revert InvalidCollateralVault(vault);
        address current = _vault;
        if (current != address(0)) {
            // Positions still open in the current vault would be stranded: the market releases and
            // checks collateral through `_vault` only.
            uint256 open = ICollateralVault(current).openPositions();
            if (open != 0) revert CollateralVaultInUse(current, open);
        }
        emit AddressChanged("collateralVault", current, vault);
        _vault = vault;
    }

    function setReserveFund(address fund) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (fund == address(0)) revert ZeroAddress();
        if (IReserveFund(fund).market() != address(this) || IReserveFund(fund).stablecoin() != address(_token)) {
            revert InvalidReserveFund(fund);
        }
        emit AddressChanged("reserveFund", _reserve, fund);
        _reserve = fund;
    }

    /// @dev Irreversible. Listed loans become expirable at once so lenders can take their funds back.
    function windDown() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_config.woundDown) revert AlreadyWoundDown();
        _config.woundDown = true;
        emit WoundDown(msg.sender);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        if (_config.paused) revert AlreadyPaused();
        _config.paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_config.paused) revert NotPaused();
        _config.paused = false;
        emit Unpaused(msg.sender);
    }
}
