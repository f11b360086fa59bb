// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketTypes} from "../interfaces/ILoanMarketTypes.sol";

/// @title EIP-712 hashing of the risk service's loan offers
/// @notice The service (backend/risk/offers.py) signs the same type; a test checks both digests agree.
library LoanOffers {
    bytes32 internal constant TYPEHASH = keccak256(
        "LoanOffer(address borrower,uint96 maxPrincipal,uint16 maxPeriods,uint32 periodLength,uint8 grade,"
        "uint16 aprBps,address collateralToken,uint256 minCollateral,uint40 expiry,uint256 nonce)"
    );

    function structHash(ILoanMarketTypes.LoanOffer calldata o) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    TYPEHASH,
                    o.borrower,
                    o.maxPrincipal,
                    o.maxPeriods,
                    o.periodLength,
                    o.grade,
                    o.aprBps,
                    o.collateralToken,
                    o.minCollateral,
                    o.expiry,
                    o.nonce
                )
            );
    }
}
