// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Hostile ERC-20 double: once armed, its next transfer between two wallets calls `target` with
///         `data` (as an ERC-777 hook would) and bubbles any revert, so a test proves a contract's
///         reentrancy lock holds. One shot per arming. Test-only, never deployed by the deploy script.
contract ReentrantToken is ERC20 {
    uint8 private immutable _decimals;
    address public target;
    bytes public data;
    bool public armed;

    constructor(uint8 decimals_) ERC20("Reentrant token", "RE") {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_) external {
        target = target_;
        data = data_;
        armed = true;
    }

    function disarm() external {
        armed = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (armed && from != address(0) && to != address(0)) {
            armed = false;
            (bool ok, bytes memory ret) = target.call(data);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(ret, 32), mload(ret))
                }
            }
        }
    }
}
