// Amounts are integer base units end to end: the API sends them as decimal strings, the chain as bigint,
// and both stay bigint here. Formatting is exact (no float ever holds an amount); charts alone take a
// Number, for drawing.

export function big(value: string | number | bigint | null | undefined): bigint {
  if (value === null || value === undefined || value === '') return 0n
  return BigInt(value)
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** `1234500000n, 6` -> "1,234.50": every digit kept, trailing zeros beyond `minFraction` dropped. */
export function formatUnitsExact(value: bigint, decimals: number, minFraction = 2): string {
  const negative = value < 0n
  const abs = negative ? -value : value
  const scale = 10n ** BigInt(decimals)
  const whole = abs / scale
  let fraction = decimals > 0 ? (abs % scale).toString().padStart(decimals, '0') : ''
  fraction = fraction.replace(/0+$/, '')
  if (fraction.length < minFraction) fraction = fraction.padEnd(Math.min(minFraction, decimals), '0')
  const text = groupThousands(whole.toString()) + (fraction ? `.${fraction}` : '')
  return negative ? `-${text}` : text
}

/** Parses what a person typed ("1,250.5") into base units; null when it is not an amount in `decimals`. */
export function parseAmountInput(text: string, decimals: number): bigint | null {
  const clean = text.trim().replace(/,/g, '')
  const match = /^(\d+)(?:\.(\d*))?$/.exec(clean)
  if (!match) return null
  const [, whole = '0', fraction = ''] = match
  if (fraction.length > decimals) return null
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0')
}

/** Base units as a decimal a person would type back ("1250.5"), for prefilling inputs. */
export function toInputText(value: bigint, decimals: number): string {
  return formatUnitsExact(value, decimals, 0).replace(/,/g, '')
}

/** For charts only: a float of whole units. */
export function toChartNumber(value: bigint, decimals: number): number {
  return Number(value) / 10 ** decimals
}

/** Basis points as a percentage, exactly: 880 -> "8.80%". */
export function formatBps(bps: number | bigint): string {
  const value = BigInt(bps)
  const negative = value < 0n
  const abs = negative ? -value : value
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}%`
  return negative ? `-${text}` : text
}

/** `part / whole` in bps, rounded down (0 when `whole` is 0). */
export function ratioBps(part: bigint, whole: bigint): bigint {
  return whole === 0n ? 0n : (part * 10_000n) / whole
}

/** A percentage typed by a person ("8.8") in bps; null when it is not one with at most 2 decimals. */
export function parsePercentToBps(text: string): number | null {
  const units = parseAmountInput(text, 2)
  return units === null || units > 65_535n ? null : Number(units)
}
