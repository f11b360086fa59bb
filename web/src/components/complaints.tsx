// What the complainant and the platform both see of a complaint: its deadlines and the messages on it.
import type { Complaint, ComplaintDetail } from '../api/complaints'
import { formatDateTime } from '../lib/time'

/** The SLA's two deadlines, each met, pending or missed, as the API decided it (the service's clock). */
export function SlaLine(props: { complaint: Complaint }) {
  const { sla, acknowledgedAt, resolvedAt } = props.complaint
  const part = (label: string, by: string, doneAt: string | null, breached: boolean) => (
    <span className={breached ? 'state-late' : doneAt ? 'state-paid' : ''}>
      {label} {doneAt ? `${formatDateTime(doneAt)}` : `by ${formatDateTime(by)}`}
      {breached ? ' (missed)' : ''}
    </span>
  )
  return (
    <span className="sla" data-testid="complaint-sla">
      {part(acknowledgedAt ? 'acknowledged' : 'acknowledge', sla.acknowledgeBy, acknowledgedAt, sla.acknowledgementBreached)}
      {' · '}
      {part(resolvedAt ? 'resolved' : 'resolve', sla.resolveBy, resolvedAt, sla.resolutionBreached)}
    </span>
  )
}

/** The complaint and every message on it, oldest first; `viewer` names who reads it. */
export function Thread(props: { complaint: ComplaintDetail; viewer: 'complainant' | 'platform' }) {
  const c = props.complaint
  const complainant = props.viewer === 'complainant' ? 'You' : 'The complainant'
  return (
    <ol className="thread" aria-label="Messages">
      <li className="thread-complainant">
        <div className="thread-head">{complainant} · complaint · {formatDateTime(c.filedAt)}</div>
        <p className="thread-text" data-testid="complaint-text">
          {c.text}
        </p>
      </li>
      {c.messages.map((m) => (
        <li key={m.id} className={`thread-${m.author}`} data-testid="complaint-message">
          <div className="thread-head">
            {m.author === 'platform' ? 'PeerLend' : complainant} · {m.kind} · {formatDateTime(m.createdAt)}
          </div>
          <p className="thread-text">{m.text}</p>
        </li>
      ))}
    </ol>
  )
}
