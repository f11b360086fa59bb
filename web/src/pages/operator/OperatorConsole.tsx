// The operator console: an operator API key (kept for this tab only), then the sections of SECTIONS.
import { type FormEvent } from 'react'
import { NavLink, Outlet } from 'react-router'
import { setOperatorKey, useOperatorKey } from '../../session/store'
import { SECTIONS } from './sections'

export default function OperatorConsole() {
  const key = useOperatorKey()
  const enter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const value = String(new FormData(event.currentTarget).get('apiKey') ?? '').trim()
    if (value) setOperatorKey(value)
  }
  return (
    <>
      <h1>Operator console</h1>
      {!key ? (
        <form className="card form" onSubmit={enter} aria-label="Operator key">
          <p>
            Enter your operator API key (header <code>X-API-Key</code>). It is kept in this tab only and sent with each
            request; what it may do depends on its roles.
          </p>
          <label>
            API key
            <input name="apiKey" type="password" autoComplete="off" required />
          </label>
          <button type="submit" className="button primary">
            Use key
          </button>
        </form>
      ) : (
        <>
          <nav className="subnav" aria-label="Operator sections">
            {SECTIONS.map((section) => (
              <NavLink key={section.path} to={`/operator/${section.path}`}>
                {section.title}
              </NavLink>
            ))}
            <button type="button" className="button link" onClick={() => setOperatorKey(null)}>
              Forget key
            </button>
          </nav>
          <Outlet />
        </>
      )}
    </>
  )
}
