// What an operator key may not read. The API does not say which roles a key holds, so the console shows
// every section and lets the API decide: a section answered 403 (`forbidden`) is "not for this key", not
// an error. A refused action inside a section the key may read (aml-four-eyes, say) stays an error.
import { createContext, useContext } from 'react'
import { ApiProblem } from '../../api/problem'
import { ProblemNotice } from '../../components/ui'
import type { OperatorSection } from './sections'

export const SectionContext = createContext<OperatorSection | null>(null)

export function isNotForThisKey(error: unknown): boolean {
  return error instanceof ApiProblem && error.status === 403 && error.type === 'forbidden'
}

/** The problem of a section's read: "not for this key" when its roles are missing, else the problem. */
export function SectionProblem(props: { error: unknown }) {
  const section = useContext(SectionContext)
  if (!props.error) return null
  if (isNotForThisKey(props.error)) {
    return (
      <div className="notice" data-testid="not-for-this-key">
        <strong>Not for this key.</strong> {section ? `${section.title} needs` : 'This needs'} a key with the role{' '}
        {section ? section.roles.join(' or ') : 'it lacks'}; ask an admin for one, or enter another key.
      </div>
    )
  }
  return <ProblemNotice error={props.error} />
}
