namespace CdsService.Cards;

/// <summary>The public, documented parts of our cards that integrators may rely on.</summary>
internal static class CardContract
{
    /// <summary>
    /// Card extension key holding the criteria a card concerns, as an array of <c>{"id", "status", "evidence"}</c>
    /// (status: met | not-met | unknown | not-applicable; evidence: the FHIR references, <c>Type/id</c>, the status
    /// rests on, omitted when there are none).
    /// </summary>
    public const string CriteriaExtensionKey = "com.priorauth.criteria";

    /// <summary>
    /// Summary-card extension key naming the approval that applies: <c>{"kind": "initial" | "renewal", "months": n}</c>.
    /// </summary>
    public const string ApprovalExtensionKey = "com.priorauth.approval";

    /// <summary>
    /// CRD card types. CRD 2.2 (the version discovery declares) moved them from the IG's temporary code system to
    /// THO; the coverage-information codes this service emits (indeterminate, technical) are 2.2 codes as well.
    /// </summary>
    public const string CardTypeSystem = "http://terminology.hl7.org/CodeSystem/cdshooks-card-type";

    public const string CoverageInformationExtension = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";
}

/// <summary>One entry of <see cref="CardContract.CriteriaExtensionKey"/>.</summary>
internal sealed record CriterionStatusEntry(string Id, string Status, IReadOnlyList<string>? Evidence = null);

/// <summary>The value of <see cref="CardContract.ApprovalExtensionKey"/>.</summary>
internal sealed record ApprovalEntry(string Kind, int Months);
