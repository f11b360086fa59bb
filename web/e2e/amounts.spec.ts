// The portal's amount arithmetic, exact to the base unit (no browser: plain functions).
import { expect, test } from '@playwright/test'
import { formatBps, formatUnitsExact, parseAmountInput, ratioBps } from '../src/lib/money'

test('amounts format exactly, every digit kept', () => {
  expect(formatUnitsExact(1_234_500_000n, 6)).toBe('1,234.50')
  expect(formatUnitsExact(338_166_835n, 6)).toBe('338.166835')
  expect(formatUnitsExact(1n, 6)).toBe('0.000001')
  expect(formatUnitsExact(-25_000_000n, 6)).toBe('-25.00')
  // 2^256 - 1 of an 18-decimal token: far beyond a float, still exact
  expect(formatUnitsExact(2n ** 256n - 1n, 18)).toBe(
    '115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584007913129639935',
  )
})

test('typed amounts parse exactly, and too many decimals are refused', () => {
  expect(parseAmountInput('1,250.5', 6)).toBe(1_250_500_000n)
  expect(parseAmountInput('0.000001', 6)).toBe(1n)
  expect(parseAmountInput('0.0000001', 6)).toBeNull()
  expect(parseAmountInput('1e6', 6)).toBeNull()
  expect(parseAmountInput('-1', 6)).toBeNull()
  expect(parseAmountInput('9007199254740993', 0)).toBe(9_007_199_254_740_993n) // 2^53 + 1
})

test('rates in basis points', () => {
  expect(formatBps(880)).toBe('8.80%')
  expect(formatBps(-5)).toBe('-0.05%')
  expect(ratioBps(1n, 3n)).toBe(3_333n) // rounded down
  expect(ratioBps(5n, 0n)).toBe(0n)
})
