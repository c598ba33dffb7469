using CdsService.PatientRecords;
using CdsService.Policies.Terminology;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// What the Besponsa policy reads: the resource types of its record, and Observations coded in any of its value sets
/// (every ValueSet file the policy loads, so a set added there is never forgotten here).
/// </summary>
internal sealed class BesponsaRecordInterest(int baselineLabWindowDays = 30) : IRecordInterest
{
    private static readonly CodeSet AnyValueSet = CodeSet.Union("any Besponsa value set", BesponsaValueSets.Library.All.Select(v => v.Codes));

    // The liver tests are read only by BaselineLiverTests, and only within BaselineLabWindowDays before the order; a
    // code that is also in any other value set keeps every result of it.
    private static readonly CodeSet[] LiverTests =
    [
        BesponsaValueSets.Alt, BesponsaValueSets.Ast, BesponsaValueSets.TotalBilirubin, BesponsaValueSets.AlkalinePhosphatase,
        BesponsaValueSets.HepaticPanel,
    ];

    private static readonly CodeSet WindowBound = CodeSet.Union("Besponsa liver tests", LiverTests);

    private static readonly CodeSet ReadAtAnyDate = CodeSet.Union(
        "Besponsa value sets read at any date", BesponsaValueSets.Library.All.Select(v => v.Codes).Where(c => !LiverTests.Contains(c)));

    public IReadOnlySet<string> ResourceTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patient", "Condition", "Observation", "Procedure", "QuestionnaireResponse", "Coverage",
        "Medication", "MedicationRequest", "MedicationStatement", "MedicationAdministration",
    };

    /// <summary>
    /// Nothing in the policy, its evidence or its cards reads these (no code touches their model properties; none is a
    /// modifier element, so leaving one out cannot change another's meaning). Narrative and reference ranges alone
    /// are about half of a typical lab Observation's bytes; an administration's dosage is a third of its elements.
    /// </summary>
    public Fhir.ElementNames UnreadElements { get; } = new(
    [
        // Any resource, and the lab Observation's bulk.
        "text", "meta", "identifier", "performer", "referenceRange", "note", "encounter", "specimen", "device",
        "hasMember", "derivedFrom", "bodySite", "category", "focus", "partOf",

        // Medication uses: how much and how it was given, who recorded it, the request's logistics.
        "dosage", "dosageInstruction", "dispenseRequest", "substitution", "supportingInformation", "reasonReference",
        "recorder", "insurance", "eventHistory", "priority", "groupIdentifier", "courseOfTherapyType", "detectedIssue",
        "instantiatesCanonical", "instantiatesUri", "informationSource",

        // Conditions and procedures: staging, who asserted, where, and what followed.
        "stage", "asserter", "location", "report", "followUp", "complication", "usedReference", "usedCode", "focalDevice",
    ]);

    public bool ObservationCodingMatters(string system, string code) => AnyValueSet.Contains(system, code);

    public int? ObservationLookbackDays(string system, string code) =>
        WindowBound.Contains(system, code) && !ReadAtAnyDate.Contains(system, code) ? baselineLabWindowDays : null;
}
