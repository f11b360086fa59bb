// Signed EIP-712 messages from the API carry values as signed (integers within 53 bits as numbers,
// uint256 as decimal strings); a contract call takes the struct with viem's types: integers wider than
// 48 bits as bigint, narrower as number.
import type { AbiParameter } from 'viem'

type Component = AbiParameter & { components?: readonly AbiParameter[] }

function convert(type: string, value: unknown): unknown {
  const integer = /^u?int(\d*)$/.exec(type)
  if (integer) {
    const bits = Number(integer[1] || 256)
    return bits > 48 ? BigInt(value as string | number) : Number(value)
  }
  return value
}

export function structFromMessage(components: readonly Component[], message: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    components.map((component) => {
      const name = component.name ?? ''
      if (!(name in message)) throw new Error(`the signed message has no ${name}`)
      return [name, convert(component.type, message[name])]
    }),
  )
}

/** The components of input `index` of function `name` in `abi`. */
export function inputComponents(abi: readonly unknown[], name: string, index = 0): readonly Component[] {
  const item = (abi as { type: string; name?: string; inputs?: readonly Component[] }[]).find(
    (entry) => entry.type === 'function' && entry.name === name,
  )
  const components = item?.inputs?.[index]?.components
  if (!components) throw new Error(`no struct input ${index} of ${name}`)
  return components
}

/** A typed-data message from the API with its integers as viem signs them (bigint beyond 48 bits). */
export function typedMessage(
  types: Record<string, readonly { name: string; type: string }[]>,
  primaryType: string,
  message: Record<string, unknown>,
): Record<string, unknown> {
  const fields = types[primaryType]
  if (!fields) throw new Error(`typed data has no type ${primaryType}`)
  return Object.fromEntries(fields.map((field) => [field.name, convert(field.type, message[field.name])]))
}

/** The types without EIP712Domain, which viem derives from the domain itself. */
export function withoutDomainType<T extends Record<string, unknown>>(types: T): Omit<T, 'EIP712Domain'> {
  const { EIP712Domain: _ignored, ...rest } = types
  void _ignored
  return rest
}
