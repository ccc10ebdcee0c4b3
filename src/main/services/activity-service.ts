import { auditCsv, filterAudit, type AuditEntry, type AuditOutcome } from '../../shared/activity'
import type { AuditLog } from './audit-log'
import { writeFileAtomic, type FileDialogs } from './files'

/** The Activity view: the audit log, newest first, and its export as CSV. */
export class ActivityService {
  constructor(
    private readonly audit: AuditLog,
    private readonly dialogs: FileDialogs
  ) {}

  list(): AuditEntry[] {
    return this.audit.read()
  }

  /**
   * Writes the entries matching the filter as CSV where the admin chooses (atomically, owner-only: the
   * audit names people); null when cancelled.
   */
  async exportFile(
    query: string,
    outcome: AuditOutcome | ''
  ): Promise<{ path: string; count: number } | null> {
    const entries = filterAudit(this.audit.read(), query, outcome)
    const path = await this.dialogs.saveFile('connect-provisioner-activity.csv', 'csv')
    if (!path) return null
    writeFileAtomic(path, auditCsv(entries))
    return { path, count: entries.length }
  }
}
