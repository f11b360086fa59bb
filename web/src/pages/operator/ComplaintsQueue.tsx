// The complaints queue (GET /v2/admin/complaints, by status and SLA breach) and one complaint with its
// text (the read is audited): acknowledge, respond, resolve with an outcome; a supervisor escalates to
// mediation. Reviewers and supervisors only; deadlines are business days on the service's clock.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useParams } from 'react-router'
import { api } from '../../api/client'
import {
  CATEGORIES,
  type ComplaintDetail,
  OUTCOMES,
  STATUSES,
  useComplaintQueue,
  useQueuedComplaint,
} from '../../api/complaints'
import { Card, Loading, ProblemNotice, StatusBadge } from '../../components/ui'
import { SlaLine, Thread } from '../../components/complaints'
import { formatDateTime, shortAddress } from '../../lib/time'
import { SectionProblem } from './access'
import { Pager, useCursorPages } from '../../components/pager'

export default function ComplaintsQueue() {
  const params = useParams()
  const selected = params['*'] || null
  return selected ? <Worked id={selected} /> : <Queue />
}

function Queue() {
  const [filters, setFilters] = useState<{ status?: string; breached?: string }>({})
  const pages = useCursorPages()
  const queue = useComplaintQueue(filters, pages.cursor)
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const status = String(form.get('status') ?? '')
    const breached = String(form.get('breached') ?? '')
    pages.reset()
    setFilters({ ...(status ? { status } : {}), ...(breached ? { breached } : {}) })
  }
  return (
    <Card title="Complaints" testId="complaints-queue">
      <form className="filters" onSubmit={apply} aria-label="Filter complaints">
        <label>
          Status
          <select name="status" defaultValue="">
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Deadlines
          <select name="breached" defaultValue="">
            <option value="">any</option>
            <option value="true">a deadline passed unmet</option>
            <option value="false">none passed unmet</option>
          </select>
        </label>
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      {queue.error ? (
        <SectionProblem error={queue.error} />
      ) : !queue.data ? (
        <Loading what="the queue" />
      ) : queue.data.items.length === 0 ? (
        <p className="muted">No complaints.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Complaint</th>
              <th>Status</th>
              <th>Category</th>
              <th>Wallet</th>
              <th>Filed</th>
              <th>Deadlines</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.items.map((c) => (
              <tr key={c.id} data-testid="queued-complaint">
                <td data-label="Complaint">
                  <Link to={`/operator/complaints/${c.id}`}>{c.id.slice(0, 8)}</Link>
                  {c.loanId !== null ? ` · loan #${c.loanId}` : ''}
                </td>
                <td data-label="Status">
                  <StatusBadge status={c.status} />
                </td>
                <td data-label="Category">{CATEGORIES[c.category] ?? c.category}</td>
                <td data-label="Wallet">
                  <code title={c.wallet}>{shortAddress(c.wallet)}</code>
                </td>
                <td data-label="Filed">{formatDateTime(c.filedAt)}</td>
                <td data-label="Deadlines">
                  <SlaLine complaint={c} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} nextCursor={queue.data?.nextCursor} labels={['Newer', 'Older']} />
    </Card>
  )
}

type Step = { path: 'acknowledge' | 'escalate' } | { path: 'responses'; text: string } | { path: 'resolution'; text: string; outcome: string }

function Worked(props: { id: string }) {
  const complaint = useQueuedComplaint(props.id)
  const queryClient = useQueryClient()
  const act = useMutation({
    mutationFn: (step: Step) => {
      const { path, ...body } = step
      return api.post<ComplaintDetail>(`/v2/admin/complaints/${encodeURIComponent(props.id)}/${path}`, body, { auth: 'operator' })
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['operator'] }),
  })
  const submit = (path: 'responses' | 'resolution') => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const data = new FormData(form)
    const text = String(data.get('text') ?? '').trim()
    if (!text) return
    const step: Step = path === 'responses' ? { path, text } : { path, text, outcome: String(data.get('outcome')) }
    act.mutate(step, { onSuccess: () => form.reset() })
  }

  if (complaint.error) return <SectionProblem error={complaint.error} />
  if (!complaint.data) return <Loading what="the complaint" />
  const c = complaint.data
  const workable = c.status === 'open' || c.status === 'acknowledged'
  return (
    <Card title={`Complaint ${c.id.slice(0, 8)}`} testId="worked-complaint">
      <p>
        <Link to="/operator/complaints">← Queue</Link>
      </p>
      <dl className="details">
        <dt>Status</dt>
        <dd data-testid="worked-complaint-status">
          <StatusBadge status={c.status} />
          {c.outcome ? ` (${OUTCOMES[c.outcome]})` : ''}
        </dd>
        <dt>Category</dt>
        <dd>{CATEGORIES[c.category] ?? c.category}</dd>
        <dt>Wallet</dt>
        <dd>
          <code>{c.wallet}</code>
        </dd>
        <dt>Loan</dt>
        <dd>{c.loanId !== null ? <Link to={`/loans/${c.loanId}`}>#{c.loanId}</Link> : '—'}</dd>
        <dt>Filed</dt>
        <dd>{formatDateTime(c.filedAt)}</dd>
        <dt>Deadlines</dt>
        <dd>
          <SlaLine complaint={c} />
        </dd>
        {c.escalationReason ? (
          <>
            <dt>Escalated</dt>
            <dd>
              {formatDateTime(c.escalatedAt)}: {c.escalationReason.replace(/_/g, ' ')}
            </dd>
          </>
        ) : null}
      </dl>
      <Thread complaint={c} viewer="platform" />
      <div className="actions">
        {c.status === 'open' ? (
          <button type="button" className="button primary" disabled={act.isPending} onClick={() => act.mutate({ path: 'acknowledge' })}>
            Acknowledge
          </button>
        ) : null}
        {workable || c.status === 'resolved' ? (
          <button
            type="button"
            className="button"
            disabled={act.isPending}
            title="Supervisors only"
            onClick={() => act.mutate({ path: 'escalate' })}
          >
            Escalate to mediation (supervisor)
          </button>
        ) : null}
      </div>
      {c.status === 'acknowledged' || c.status === 'escalated' ? (
        <form className="form" onSubmit={submit('responses')} aria-label="Respond">
          <label>
            Response to the complainant
            <textarea name="text" rows={3} maxLength={50_000} required />
          </label>
          <button type="submit" className="button" disabled={act.isPending}>
            Send response
          </button>
        </form>
      ) : null}
      {workable ? (
        <form className="form" onSubmit={submit('resolution')} aria-label="Resolve">
          <label>
            Outcome
            <select name="outcome" defaultValue="upheld">
              {Object.entries(OUTCOMES).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Resolution
            <textarea name="text" rows={3} maxLength={50_000} required />
          </label>
          <button type="submit" className="button primary" disabled={act.isPending}>
            Resolve
          </button>
        </form>
      ) : null}
      <ProblemNotice error={act.error} />
    </Card>
  )
}
