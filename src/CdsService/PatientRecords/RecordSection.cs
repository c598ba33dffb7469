namespace CdsService.PatientRecords;

/// <summary>
/// One part of the patient record, with the prefetch key and FHIR query that fill it. The same table drives
/// the discovery prefetch templates and the queries sent to the EHR when the prefetch lacks a key.
/// Templates use only <c>{{context.patientId}}</c>, which every CDS Hooks 2.0 client can fill.
/// </summary>
internal sealed record RecordSection(string Key, string ResourceType, string Template, bool Required = false)
{
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

    public static readonly IReadOnlyList<RecordSection> All =
    [
        Patient, Conditions, MedicationRequests, MedicationStatements, MedicationAdministrations,
        Observations, Procedures, QuestionnaireResponses, Coverage,
    ];

    /// <summary>The template with its tokens filled from the hook context (values are URL-escaped).</summary>
    public string Render(IReadOnlyDictionary<string, string> contextFields) =>
        Template.Replace("{{context.patientId}}", Uri.EscapeDataString(contextFields.GetValueOrDefault("patientId") ?? ""), StringComparison.Ordinal);

    /// <summary>True for an instance read (a single resource or nothing), false for a search (a Bundle).</summary>
    public bool IsRead => !Template.Contains('?', StringComparison.Ordinal);
}
