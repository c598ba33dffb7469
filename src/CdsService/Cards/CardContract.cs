namespace CdsService.Cards;

/// <summary>The public, documented parts of our cards that integrators may rely on.</summary>
internal static class CardContract
{
    /// <summary>
    /// Card extension key holding the criteria a card concerns, as an array of <c>{"id", "status"}</c>
    /// (status: met | not-met | unknown | not-applicable).
    /// </summary>
    public const string CriteriaExtensionKey = "com.priorauth.criteria";

    /// <summary>
    /// Summary-card extension key naming the approval that applies: <c>{"kind": "initial" | "renewal", "months": n}</c>.
    /// </summary>
    public const string ApprovalExtensionKey = "com.priorauth.approval";

    /// <summary>CRD card types (STU 2.0.1/2.1 code system; Inferno's fixtures use it too).</summary>
    public const string CardTypeSystem = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp";

    public const string CoverageInformationExtension = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";
}
