// Every page of the portal. Home is in the first chunk; every other page is a chunk of its own, loaded
// when first visited. A new area (disclosure, servicing, agreements) adds its routes here, and an
// operator queue adds a section to pages/operator/sections.ts.
import type { ComponentType } from 'react'
import { createBrowserRouter, type RouteObject } from 'react-router'
import { Layout } from './components/Layout'
import { RouteError } from './components/RouteError'
import { HomePage } from './pages/HomePage'

const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({ Component: (await load()).default })

export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'loans', lazy: page(() => import('./pages/loans/LoanListPage')) },
      { path: 'loans/:loanId', lazy: page(() => import('./pages/loans/LoanDetailPage')) },
      { path: 'borrow', lazy: page(() => import('./pages/borrower/BorrowerPage')) },
      { path: 'invest', lazy: page(() => import('./pages/investor/InvestorPage')) },
      { path: 'invest/statements', lazy: page(() => import('./pages/investor/StatementsPage')) },
      {
        path: 'operator',
        lazy: page(() => import('./pages/operator/OperatorConsole')),
        children: [
          { index: true, lazy: page(() => import('./pages/operator/OperatorHome')) },
          { path: ':section/*', lazy: page(() => import('./pages/operator/OperatorSection')) },
        ],
      },
      { path: 'disclosure', lazy: page(() => import('./pages/disclosure/DisclosurePage')) },
      { path: 'account', lazy: page(() => import('./pages/account/AccountPage')) },
      { path: 'account/inbox', lazy: page(() => import('./pages/account/InboxPage')) },
      { path: 'account/complaints', lazy: page(() => import('./pages/account/ComplaintsPage')) },
      { path: 'account/complaints/:complaintId', lazy: page(() => import('./pages/account/ComplaintsPage')) },
      { path: '*', lazy: page(() => import('./pages/NotFoundPage')) },
    ],
  },
]

export const router = createBrowserRouter(routes, { basename: import.meta.env.BASE_URL.replace(/\/$/, '') })
