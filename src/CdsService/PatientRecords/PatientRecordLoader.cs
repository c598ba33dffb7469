using CdsService.CdsHooks;
using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

/// <summary>
/// Assembles the patient record for a hook call: prefetch first, then the EHR's FHIR server for every section
/// whose key is absent or holds an OperationOutcome. Answers 412 (via <see cref="PrefetchUnavailableException"/>)
/// when required data is missing and cannot be obtained — nothing at all, or a <see cref="RecordSection.Required"/>
/// section such as the Patient — as CDS Hooks requires; otherwise it evaluates the partial record (CRD §found-32).
/// </summary>
internal sealed partial class PatientRecordLoader(
    IEhrDataSource ehr,
    Microsoft.Extensions.Options.IOptions<Ehr.FhirOptions> fhirOptions,
    TimeProvider clock,
    ILogger<PatientRecordLoader> logger)
{
    /// <param name="unread">Top-level elements no criterion reads, left out of what the FHIR server sends before parsing.</param>
    public async Task<PatientRecord> LoadAsync(HookRequest request, IReadOnlyList<RecordSection> sections, Fhir.ElementNames? unread, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var patientId = request.Context.PatientId!;
        var received = new List<Resource>();
        var missing = new List<RecordSection>();
        foreach (var section in sections)
        {
            switch (request.Prefetch.GetValueOrDefault(section.Key))
            {
                case PrefetchValue.Data data:
                    received.Add(data.Resource);
                    break;
                case PrefetchValue.NoData:
                    break;
                // A best-effort section is not queried when absent: what it would bring is read by id, only if needed.
                case var _ when section.BestEffort:
                    break;
                default:
                    missing.Add(section);
                    break;
            }
        }

        // Data a client volunteered under keys we did not ask for is still patient data; it joins the pool (the
        // builder keeps only this patient's resources) but cannot stand in for a missing section.
        var known = sections.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        received.AddRange(request.Prefetch.Where(p => !known.Contains(p.Key)).Select(p => p.Value).OfType<PrefetchValue.Data>().Select(d => d.Resource));

        var drafts = request.Context.DraftOrders;
        if (missing.Count == 0)
        {
            return await WithMedicationsAsync(request, PatientRecordBuilder.Build(patientId, received, [], drafts), received, [], started, cancellationToken);
        }

        // Without a fhirServer the missing sections are simply unavailable; what the prefetch did bring still counts.
        var fetched = request.FhirServer is null
            ? new EhrFetchResult([], [.. missing.Select(s => s.Key)])
            : await ehr.FetchAsync(request, missing, unread, cancellationToken);
        var bestEffort = sections.Where(s => s.BestEffort).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var unavailable = fetched.Unavailable.Where(k => !bestEffort.Contains(k)).ToList();
        if (unavailable.Count == sections.Count - bestEffort.Count
            || sections.Any(s => s.Required && unavailable.Contains(s.Key)))
        {
            throw new PrefetchUnavailableException(
                unavailable,
                request.FhirServer is null ? "The request has no fhirServer to query instead." : "The FHIR server could not be read.");
        }

        if (unavailable.Count > 0)
        {
            LogPartialRecord(logger, unavailable);
        }

        List<Resource> all = [.. received, .. fetched.Resources];
        return await WithMedicationsAsync(request, PatientRecordBuilder.Build(patientId, all, unavailable, drafts), all, unavailable, started, cancellationToken);
    }

    /// <summary>
    /// Reads, in one search, the Medications that the record's history and the draft orders reference but that no
    /// prefetch or section brought, within what is left of the hook deadline (the section reads came first). What still
    /// cannot be resolved stays unresolved, and the policy calls it unknown.
    /// </summary>
    private async Task<PatientRecord> WithMedicationsAsync(
        HookRequest request, PatientRecord record, List<Resource> received, IReadOnlyList<string> unavailable, long started, CancellationToken cancellationToken)
    {
        if (request.FhirServer is null)
        {
            return record;
        }

        var draftOrders = request.Context.DraftOrders?.Entry.Select(e => e.Resource).OfType<Resource>().ToList() ?? [];
        var ids = record.Medications.Select(m => m.UnresolvedMedication)
            .Concat(draftOrders.OfType<MedicationRequest>().Select(o => record.MedicationIndex.Resolve(o.Medication, o.Contained).Unresolved))
            .OfType<string>()
            .Select(MedicationIndex.IdOf)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (ids.Count == 0)
        {
            return record;
        }

        var remaining = fhirOptions.Value.HookDeadline - clock.GetElapsedTime(started);
        if (remaining <= TimeSpan.Zero)
        {
            LogMedicationsNotRead(logger, ids.Count);
            return record;
        }

        using var budget = new CancellationTokenSource(remaining, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        EhrFetchResult fetched;
        try
        {
            fetched = await ehr.FetchAsync(request, [RecordSection.MedicationsById(ids)], unread: null, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogMedicationsNotRead(logger, ids.Count);
            return record;
        }

        return fetched.Resources.Count == 0
            ? record
            : PatientRecordBuilder.Build(record.PatientId, [.. received, .. fetched.Resources], unavailable, request.Context.DraftOrders);
    }

    [LoggerMessage(LogLevel.Warning, "The hook deadline passed before {MedicationCount} referenced Medications could be read; they stay unidentified")]
    private static partial void LogMedicationsNotRead(ILogger logger, int medicationCount);

    [LoggerMessage(LogLevel.Warning, "Evaluating on a partial record; unavailable sections: {UnavailableSections}")]
    private static partial void LogPartialRecord(ILogger logger, IReadOnlyList<string> unavailableSections);
}
