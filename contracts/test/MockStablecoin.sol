// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title USDC-like 6-decimal token for local tests
/// @notice Anyone may mint: it stands in for the stablecoin of account in tests, where a real
///         token's 6 decimals matter. It refuses to be deployed anywhere but a local chain, so it
///         can never be mistaken for money on a public network.
contract MockStablecoin is ERC20 {
    /// @dev anvil and Hardhat (31337), Ganache (1337).
    error NotLocalChain(uint256 chainId);

    constructor() ERC20("Mock USD", "mUSD") {
        if (block.chainid != 31337 && block.chainid != 1337) revert NotLocalChain(block.chainid);
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
