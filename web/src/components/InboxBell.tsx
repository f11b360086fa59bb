// The header's bell: the signed-in wallet's unread notices, a link to its inbox. Nothing without a session.
import { NavLink } from 'react-router'
import { useUnreadCount } from '../api/notifications'
import { useCurrentSession } from '../session/siwe'
import './servicing.css'

export function InboxBell() {
  const session = useCurrentSession()
  const unread = useUnreadCount()
  if (!session) return null
  const count = unread.data?.count ?? 0
  const text = unread.data?.more ? `${count}+` : String(count)
  return (
    <NavLink to="/account/inbox" className="bell" aria-label={`Inbox, ${text} unread`} data-testid="inbox-bell">
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 ? (
        <span className="bell-count" data-testid="inbox-unread">
          {text}
        </span>
      ) : null}
    </NavLink>
  )
}
