// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Bounds and units every PeerLend contract shares. Declared once here so the registry, the oracle, the
// market and the vault can never disagree on what a grade or a risk class is.

/// @dev Credit grades run 1 (A) .. GRADE_COUNT (G); 0 means "no grade".
uint8 constant GRADE_COUNT = 7;

/// @dev Investor risk classes (suitability) run 1 (most cautious) .. MAX_RISK_CLASS (most risk-tolerant).
uint8 constant MAX_RISK_CLASS = 5;

/// @dev KYC levels: 1 basic, 2 full; 0 means "not attested".
uint8 constant MAX_KYC_LEVEL = 2;

/// @dev Basis points: 10,000 = 100%.
uint256 constant BPS = 10_000;

/// @dev Ray fixed point (1e27) for rates and per-share accumulators.
uint256 constant RAY = 1e27;

/// @dev Installments a loan's schedule may have: at listing, and after any restructuring.
uint256 constant MAX_PERIODS = 360;
