// The adapters of shared/store, loaded together once the emulators' endpoints are in the environment.

export { cachedMachineClients } from '../../shared/store/agency-reads.ts';
export { AgencyStore } from '../../shared/store/agency-store.ts';
export { ApplicationStore } from '../../shared/store/application-store.ts';
export { BatchReads } from '../../shared/store/batch-reads.ts';
export { BatchStore } from '../../shared/store/batch-store.ts';
export { CoverageStore } from '../../shared/store/coverage-store.ts';
export { HistoryStore } from '../../shared/store/history-store.ts';
export { LinkPassStore } from '../../shared/store/link-pass-store.ts';
export { ReferenceStore } from '../../shared/store/reference-store.ts';
export { RegisterScan } from '../../shared/store/register-scan.ts';
export { ReportUploads } from '../../shared/store/report-upload.ts';
