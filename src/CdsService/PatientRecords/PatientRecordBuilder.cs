using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

/// <summary>
/// Builds a <see cref="PatientRecord"/> from any mix of resources and searchset Bundles. A lenient EHR may
/// send more than a template asked for (other patients, _include'd resources, duplicates across keys), so
/// every resource is kept only if it belongs to this patient, and each resource is kept once.
/// </summary>
internal static class PatientRecordBuilder
{
    /// <param name="draftOrders">
    /// The request's <c>draftOrders</c>: their Medications resolve references, the orders themselves are never history.
    /// </param>
    public static PatientRecord Build(string patientId, IEnumerable<Resource> received, IEnumerable<string> unavailable, Bundle? draftOrders = null)
    {
        // The first of each (type, id), in the order received.
        var seen = new HashSet<(string, string)>();
        var pool = new List<Resource>();
        foreach (var resource in Flatten(received))
        {
            if (resource.Id is { } id && seen.Add((resource.TypeName, id)))
            {
                pool.Add(resource);
            }
        }

        var drafts = draftOrders?.Entry.Select(e => e.Resource).OfType<Resource>().ToList() ?? [];
        var medications = MedicationIndex.From([.. pool.OfType<Medication>(), .. drafts.OfType<Medication>()]);
        bool Mine(ResourceReference? subject) => References.PointsTo(subject, "Patient", patientId);

        return new PatientRecord
        {
            PatientId = patientId,
            Patient = pool.OfType<Patient>().FirstOrDefault(p => p.Id == patientId),
            Conditions = [.. pool.OfType<Condition>().Where(c => Mine(c.Subject))],
            Observations = [.. pool.OfType<Observation>().Where(o => Mine(o.Subject))],
            Procedures = [.. pool.OfType<Procedure>().Where(p => Mine(p.Subject))],
            QuestionnaireResponses = [.. pool.OfType<QuestionnaireResponse>().Where(q => Mine(q.Subject))],
            Coverages = [.. pool.OfType<Coverage>().Where(c => Mine(c.Beneficiary))],
            Medications =
            [
                .. pool.OfType<MedicationRequest>().Where(m => Mine(m.Subject)).Select(m => MedicationUses.From(m, medications)),
                .. pool.OfType<MedicationStatement>().Where(m => Mine(m.Subject)).Select(m => MedicationUses.From(m, medications)),
                .. pool.OfType<MedicationAdministration>().Where(m => Mine(m.Subject)).Select(m => MedicationUses.From(m, medications)),
            ],
            Unavailable = unavailable.ToHashSet(StringComparer.Ordinal),
            MedicationIndex = medications,
            DraftOrderIds = drafts.Where(d => d is not Medication && d.Id is not null).Select(d => d.Id!).ToHashSet(StringComparer.Ordinal),
        };
    }

    private static IEnumerable<Resource> Flatten(IEnumerable<Resource> received)
    {
        foreach (var resource in received)
        {
            if (resource is Bundle bundle)
            {
                foreach (var entry in bundle.Entry)
                {
                    if (entry.Resource is not null and not Bundle and not OperationOutcome)
                    {
                        yield return entry.Resource;
                    }
                }
            }
            else if (resource is not OperationOutcome)
            {
                yield return resource;
            }
        }
    }
}
