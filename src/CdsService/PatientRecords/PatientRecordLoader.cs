using CdsService.CdsHooks;
using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

/// <summary>
/// Assembles the patient record for a hook call: prefetch first, then the EHR's FHIR server for every section
/// whose key is absent or holds an OperationOutcome. Answers 412 (via <see cref="PrefetchUnavailableException"/>)
/// when required data is missing and cannot be obtained — nothing at all, or a <see cref="RecordSection.Required"/>
/// section such as the Patient — as CDS Hooks requires; otherwise it evaluates the partial record (CRD §found-32).
/// </summary>
internal sealed partial class PatientRecordLoader(IEhrDataSource ehr, ILogger<PatientRecordLoader> logger)
{
    public async Task<PatientRecord> LoadAsync(HookRequest request, IReadOnlyList<RecordSection> sections, CancellationToken cancellationToken)
    {
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
                default:
                    missing.Add(section);
                    break;
            }
        }

        // Data a client volunteered under keys we did not ask for is still patient data; it joins the pool (the
        // builder keeps only this patient's resources) but cannot stand in for a missing section.
        var known = sections.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        received.AddRange(request.Prefetch.Where(p => !known.Contains(p.Key)).Select(p => p.Value).OfType<PrefetchValue.Data>().Select(d => d.Resource));

        if (missing.Count == 0)
        {
            return PatientRecordBuilder.Build(patientId, received, []);
        }

        // Without a fhirServer the missing sections are simply unavailable; what the prefetch did bring still counts.
        var fetched = request.FhirServer is null
            ? new EhrFetchResult([], [.. missing.Select(s => s.Key)])
            : await ehr.FetchAsync(request, missing, cancellationToken);
        if (fetched.Unavailable.Count == sections.Count
            || sections.Any(s => s.Required && fetched.Unavailable.Contains(s.Key)))
        {
            throw new PrefetchUnavailableException(
                fetched.Unavailable,
                request.FhirServer is null ? "The request has no fhirServer to query instead." : "The FHIR server could not be read.");
        }

        if (fetched.Unavailable.Count > 0)
        {
            LogPartialRecord(logger, fetched.Unavailable);
        }

        return PatientRecordBuilder.Build(patientId, [.. received, .. fetched.Resources], fetched.Unavailable);
    }

    [LoggerMessage(LogLevel.Warning, "Evaluating on a partial record; unavailable sections: {UnavailableSections}")]
    private static partial void LogPartialRecord(ILogger logger, IReadOnlyList<string> unavailableSections);
}
