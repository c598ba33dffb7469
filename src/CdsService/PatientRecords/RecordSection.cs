namespace CdsService.PatientRecords;

/// <summary>
/// One part of the patient record, with the prefetch key and FHIR query that fill it. The same table drives
/// the discovery prefetch templates and the queries sent to the EHR when the prefetch lacks a key.
/// Requested templates use only <c>{{context.patientId}}</c>, which every CDS Hooks 2.0 client can fill, and only
/// the query subset 2.0 allows (<see cref="IsInQuerySubset"/>).
/// </summary>
/// <param name="BestEffort">
/// A section that only helps (the Medications the record references): it is not queried when the prefetch lacks it,
/// and the record is complete without it, because what it would have brought is read by id afterwards when a
/// reference is still unresolved, or shown as "could not identify".
/// </param>
internal sealed record RecordSection(string Key, string ResourceType, string Template, bool Required = false, bool BestEffort = false)
{
    /// <summary>At most this many Medications are read by id in one hook call (one search, bounded cost).</summary>
    public const int MaxMedicationReads = 50;

    /// <summary>Required: without the Patient there is no age and no one to evaluate, so its absence is a 412.</summary>
    public static readonly RecordSection Patient = new("patient", "Patient", "Patient/{{context.patientId}}", Required: true);
    public static readonly RecordSection Conditions = new("conditions", "Condition", "Condition?patient={{context.patientId}}");
    public static readonly RecordSection MedicationRequests = new("medicationRequests", "MedicationRequest", "MedicationRequest?patient={{context.patientId}}");
    public static readonly RecordSection MedicationStatements = new("medicationStatements", "MedicationStatement", "MedicationStatement?patient={{context.patientId}}");
    public static readonly RecordSection MedicationAdministrations = new("medicationAdministrations", "MedicationAdministration", "MedicationAdministration?patient={{context.patientId}}");
    public static readonly RecordSection Observations = new("observations", "Observation", "Observation?patient={{context.patientId}}");
    public static readonly RecordSection Procedures = new("procedures", "Procedure", "Procedure?patient={{context.patientId}}");
    public static readonly RecordSection QuestionnaireResponses = new("questionnaireResponses", "QuestionnaireResponse", "QuestionnaireResponse?patient={{context.patientId}}");
    public static readonly RecordSection Coverage = new("coverage", "Coverage", "Coverage?patient={{context.patientId}}&status=active");

    /// <summary>
    /// The Medications the patient's orders reference, under the key CRD's standard order-sign prefetch uses. It is
    /// never advertised: CRD's template walks <c>context.draftOrders</c>, which a CDS Hooks 2.0 client cannot fill, and
    /// no template in 2.0's query subset (instance read, type search, reference/token/date params, <c>_count</c>,
    /// <c>_sort</c>) selects a patient's Medications (a reverse-chained <c>_has</c> search is outside it). A client that
    /// volunteers the key is still read; draft orders' Medications come from <c>draftOrders</c> itself, and anything
    /// still unresolved is read by id (<see cref="MedicationsById"/>).
    /// </summary>
    public static readonly RecordSection Medications = new(
        "medications", "Medication", "Medication?_id={{context.draftOrders.MedicationRequest.medicationReference.reference}}", BestEffort: true);

    /// <summary>The sections discovery asks for: every template within CDS Hooks 2.0's prefetch query subset.</summary>
    public static readonly IReadOnlyList<RecordSection> Requested =
    [
        Patient, Conditions, MedicationRequests, MedicationStatements, MedicationAdministrations,
        Observations, Procedures, QuestionnaireResponses, Coverage,
    ];

    /// <summary>Every key the service reads: the requested sections and the volunteered <c>medications</c> key.</summary>
    public static readonly IReadOnlyList<RecordSection> All = [.. Requested, Medications];

    /// <summary>One search for the given Medication ids (already checked to be FHIR ids), e.g. <c>Medication?_id=a,b</c>.</summary>
    public static RecordSection MedicationsById(IEnumerable<string> ids) =>
        new("medications-by-id", "Medication", "Medication?_id=" + string.Join(",", ids.Take(MaxMedicationReads)), BestEffort: true);

    /// <summary>The template with its tokens filled from the hook context (values are URL-escaped).</summary>
    public string Render(IReadOnlyDictionary<string, string> contextFields) =>
        Template.Replace("{{context.patientId}}", Uri.EscapeDataString(contextFields.GetValueOrDefault("patientId") ?? ""), StringComparison.Ordinal);

    /// <summary>
    /// True when the template stays within CDS Hooks 2.0's prefetch query subset: an instance read, or a type-level
    /// search whose parameters are plain (or <c>:in</c>) search parameters, <c>_count</c> or <c>_sort</c>; no chaining,
    /// <c>_has</c>, <c>_include</c>/<c>_revinclude</c> or other modifiers.
    /// </summary>
    public bool IsInQuerySubset
    {
        get
        {
            var query = Template.IndexOf('?', StringComparison.Ordinal);
            if (query < 0)
            {
                return Template.Split('/') is [{ Length: > 0 }, { Length: > 0 }];
            }

            return !Template[..query].Contains('/', StringComparison.Ordinal) && Template[(query + 1)..].Split('&').All(p =>
            {
                var name = p.Split('=')[0];
                var parts = name.Split(':');
                return p.Contains('=', StringComparison.Ordinal) && !name.Contains('.', StringComparison.Ordinal)
                    && (parts.Length == 1 || (parts.Length == 2 && parts[1] == "in"))
                    && (!parts[0].StartsWith('_') || parts[0] is "_id" or "_count" or "_sort");
            });
        }
    }

    /// <summary>True for an instance read (a single resource or nothing), false for a search (a Bundle).</summary>
    public bool IsRead => !Template.Contains('?', StringComparison.Ordinal);
}
