// The wallet's inbox (GET /v2/notifications, newest first, with each delivery's status; read marks) and
// what it is told by which channel: an email address, a webhook (its signing secret shown once), and per
// kind of notice the inbox, email and webhook switches (GET/PATCH /v2/notifications/preferences).
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link } from 'react-router'
import { api } from '../../api/client'
import {
  CHANNELS,
  type Channels,
  kindLabel,
  type Notice,
  type Preferences,
  type PreferencesChange,
  updatePreferences,
  useInbox,
  usePreferences,
} from '../../api/notifications'
import { RequireSignIn } from '../../components/WalletButton'
import { Card, Loading, ProblemNotice } from '../../components/ui'
import { formatDateTime } from '../../lib/time'
import { Pager, useCursorPages } from '../../components/pager'

export default function InboxPage() {
  return (
    <>
      <h1>Inbox</h1>
      <p>
        <Link to="/account">← Account</Link>
      </p>
      <RequireSignIn purpose="read your notices">
        <Inbox />
        <Settings />
      </RequireSignIn>
    </>
  )
}

function Inbox() {
  const [unreadOnly, setUnreadOnly] = useState(false)
  const pages = useCursorPages()
  const inbox = useInbox(unreadOnly, pages.cursor)
  const queryClient = useQueryClient()
  const markRead = useMutation({
    mutationFn: (ids: string[]) =>
      ids.length === 1
        ? api.post(`/v2/notifications/${ids[0]}/read`, undefined, { auth: 'wallet' })
        : api.post('/v2/notifications/read', { ids }, { auth: 'wallet' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  })
  const unreadHere = (inbox.data?.items ?? []).filter((n) => !n.readAt).map((n) => n.id)
  return (
    <Card title="Notices" testId="inbox">
      <div className="actions">
        <label className="check">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => {
              pages.reset()
              setUnreadOnly(e.target.checked)
            }}
          />
          Unread only
        </label>
        <button type="button" className="button" disabled={unreadHere.length === 0 || markRead.isPending} onClick={() => markRead.mutate(unreadHere)}>
          Mark these read
        </button>
      </div>
      <ProblemNotice error={inbox.error ?? markRead.error} />
      {!inbox.data ? (
        inbox.error ? null : <Loading what="your notices" />
      ) : inbox.data.items.length === 0 ? (
        <p className="muted">{unreadOnly ? 'Nothing unread.' : 'No notices yet.'}</p>
      ) : (
        <ol className="notices">
          {inbox.data.items.map((notice) => (
            <NoticeItem key={notice.id} notice={notice} onRead={() => markRead.mutate([notice.id])} busy={markRead.isPending} />
          ))}
        </ol>
      )}
      <Pager pages={pages} nextCursor={inbox.data?.nextCursor} labels={['Newer', 'Older']} />
    </Card>
  )
}

function NoticeItem(props: { notice: Notice; onRead: () => void; busy: boolean }) {
  const n = props.notice
  const loanId = typeof n.data.loanId === 'number' ? n.data.loanId : null
  const sent = n.deliveries.filter((d) => d.channel !== 'inbox')
  return (
    <li className={`notice-item ${n.readAt ? 'read' : 'unread'}`} data-testid="notice" data-kind={n.kind}>
      <div className="notice-head">
        <strong data-testid="notice-subject">{n.subject}</strong>
        <span className="muted small">{formatDateTime(n.occurredAt ?? n.createdAt)}</span>
      </div>
      <p>{n.body}</p>
      <div className="notice-foot small">
        <span className="muted">{kindLabel(n.kind)}</span>
        {loanId !== null ? <Link to={`/loans/${loanId}`}>Loan #{loanId}</Link> : null}
        {sent.map((d) => (
          <span key={d.channel} className="muted">
            {d.channel}: {d.status}
          </span>
        ))}
        {n.readAt ? (
          <span className="muted" data-testid="notice-read">
            read {formatDateTime(n.readAt)}
          </span>
        ) : (
          <button type="button" className="button link" disabled={props.busy} onClick={props.onRead}>
            Mark read
          </button>
        )}
      </div>
    </li>
  )
}

function Settings() {
  const preferences = usePreferences()
  const queryClient = useQueryClient()
  const [secret, setSecret] = useState<string | null>(null)
  const [asked, setAsked] = useState<Record<string, boolean>>({})
  const save = useMutation({
    mutationFn: updatePreferences,
    onSuccess: (saved: Preferences) => {
      // shown here once and never put in the query cache, which keeps only what GET answers
      if (saved.webhookSecret) setSecret(saved.webhookSecret)
      return queryClient.invalidateQueries({ queryKey: ['notifications'] })
    },
  })
  if (preferences.error) return <ProblemNotice error={preferences.error} />
  if (!preferences.data) return <Loading what="your notification settings" />
  const p = preferences.data

  const saveContacts = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const email = String(form.get('email') ?? '').trim()
    const webhookUrl = String(form.get('webhookUrl') ?? '').trim()
    const change: PreferencesChange = {}
    if (email !== (p.email ?? '')) change.email = email || null
    if (webhookUrl !== (p.webhookUrl ?? '')) change.webhookUrl = webhookUrl || null
    if (Object.keys(change).length > 0) save.mutate(change)
  }
  // A switch shows what was asked at once (state set in the click's own handler) until the change is saved
  // and read back, so it moves when clicked, not a round trip later.
  const toggle = (kind: string, channel: keyof Channels, on: boolean) => {
    const key = `${kind}.${channel}`
    setAsked((asked) => ({ ...asked, [key]: on }))
    save.mutate(
      { kinds: { [kind]: { [channel]: on } } },
      { onSettled: () => setAsked(({ [key]: _done, ...rest }) => rest) },
    )
  }
  const shown = (kind: string, channel: keyof Channels, saved: boolean) => asked[`${kind}.${channel}`] ?? saved

  return (
    <Card title="How you are told" testId="notification-settings">
      <form className="form" onSubmit={saveContacts} aria-label="Contact points">
        <label>
          Email
          <input name="email" type="email" defaultValue={p.email ?? ''} maxLength={254} autoComplete="email" />
        </label>
        <label>
          Webhook URL
          <input name="webhookUrl" type="url" defaultValue={p.webhookUrl ?? ''} maxLength={2048} placeholder="https://…" />
        </label>
        <p className="muted small">
          Webhooks are JSON POSTs signed with <code>PeerLend-Signature</code> (HMAC-SHA256 under your secret); receivers
          dedupe on <code>PeerLend-Event-Id</code>. Empty a field to remove it.
        </p>
        <div className="actions">
          <button type="submit" className="button primary" disabled={save.isPending}>
            Save contact points
          </button>
          {p.webhookUrl ? (
            <button type="button" className="button" disabled={save.isPending} onClick={() => save.mutate({ rotateWebhookSecret: true })}>
              {p.webhookSecretSet ? 'Rotate the webhook secret' : 'Make a webhook secret'}
            </button>
          ) : null}
        </div>
      </form>
      {secret ? (
        <div className="notice notice-ok" role="status" data-testid="webhook-secret">
          Your webhook signing secret, shown this once: <code>{secret}</code>
        </div>
      ) : null}
      <ProblemNotice error={save.error} />
      <table className="table" data-testid="notification-kinds">
        <thead>
          <tr>
            <th>Notice</th>
            {CHANNELS.map((channel) => (
              <th key={channel}>{channel}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Object.entries(p.kinds).map(([kind, channels]) => (
            <tr key={kind} data-testid={`kind-${kind}`}>
              <td data-label="Notice">{kindLabel(kind)}</td>
              {CHANNELS.map((channel) => (
                <td key={channel} data-label={channel}>
                  <input
                    type="checkbox"
                    name={`${kind}.${channel}`}
                    aria-label={`${kindLabel(kind)} by ${channel}`}
                    checked={shown(kind, channel, channels[channel])}
                    disabled={save.isPending || (channel === 'email' && !p.email) || (channel === 'webhook' && !p.webhookUrl)}
                    onChange={(e) => toggle(kind, channel, e.target.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  )
}
