import { Link } from 'react-router'
import { SECTIONS } from './sections'

export default function OperatorHome() {
  return (
    <div className="entry-points">
      {SECTIONS.map((section) => (
        <section key={section.path} className="card">
          <h2>
            <Link to={`/operator/${section.path}`}>{section.title}</Link>
          </h2>
          <p>{section.description}</p>
          <p className="muted small">Roles: {section.roles.join(', ')}</p>
        </section>
      ))}
    </div>
  )
}
