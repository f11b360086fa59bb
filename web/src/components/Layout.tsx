import { NavLink, Outlet } from 'react-router'
import { usePortal } from '../portal'
import { InboxBell } from './InboxBell'
import { WalletButton } from './WalletButton'

const NAV = [
  { to: '/', label: 'Home', end: true },
  { to: '/loans', label: 'Loans' },
  { to: '/borrow', label: 'Borrow' },
  { to: '/invest', label: 'Invest' },
  { to: '/disclosure', label: 'Disclosure' },
  { to: '/operator', label: 'Operator' },
  { to: '/account', label: 'Account' },
]

export function Layout() {
  const { chainReachable, config } = usePortal()
  return (
    <div className="shell">
      <header className="header">
        <NavLink to="/" className="brand" end>
          PeerLend
        </NavLink>
        <nav className="nav" aria-label="Main">
          {NAV.map((item) => (
            <NavLink key={item.to} to={item.to} end={item.end}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <InboxBell />
        <WalletButton />
      </header>
      {!chainReachable ? (
        <div className="notice notice-error banner" role="alert">
          The chain ({config.rpcUrl ?? 'no RPC URL configured'}) does not answer: figures from the chain and
          transactions are unavailable.
        </div>
      ) : null}
      <main className="main">
        <Outlet />
      </main>
      <footer className="footer">
        <p>
          PeerLend is an information intermediary. Your money is held by the platform's smart contracts, never by
          PeerLend; operators can only send instructions the contracts allow. Lending carries risk: you may lose some or
          all of the money you lend, and a loan is not a deposit.
        </p>
      </footer>
    </div>
  )
}
