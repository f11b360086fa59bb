// The audit log (GET /v2/admin/audit), newest first, filtered by actor, object and action, cursor-paged.
import { type FormEvent, useState } from 'react'
import { useAuditLog } from '../../api/queries'
import { Card, Loading } from '../../components/ui'
import { formatDateTime } from '../../lib/time'
import { SectionProblem } from './access'
import { Pager, useCursorPages } from '../../components/pager'

const FILTERS = [
  ['actor', 'Actor'],
  ['objectType', 'Object type'],
  ['objectId', 'Object id'],
  ['action', 'Action'],
] as const

export default function AuditLog() {
  const [filters, setFilters] = useState<Record<string, string>>({})
  const pages = useCursorPages()
  const log = useAuditLog(filters, pages.cursor)
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const next: Record<string, string> = {}
    for (const [name] of FILTERS) {
      const value = String(form.get(name) ?? '').trim()
      if (value) next[name] = value
    }
    pages.reset()
    setFilters(next)
  }
  return (
    <Card title="Audit log" testId="audit-log">
      <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
        {FILTERS.map(([name, label]) => (
          <label key={name}>
            {label}
            <input name={name} />
          </label>
        ))}
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      {log.error ? (
        <SectionProblem error={log.error} />
      ) : !log.data ? (
        <Loading what="the audit log" />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Object</th>
            </tr>
          </thead>
          <tbody>
            {log.data.items.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry">
                <td data-label="When">{formatDateTime(entry.occurredAt)}</td>
                <td data-label="Actor">{entry.actor}</td>
                <td data-label="Action">{entry.action}</td>
                <td data-label="Object">
                  {entry.objectType} <code>{entry.objectId.slice(0, 18)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} nextCursor={log.data?.nextCursor} labels={['Newer', 'Older']} />
    </Card>
  )
}
