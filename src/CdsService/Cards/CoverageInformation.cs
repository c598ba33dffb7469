using CdsService.CdsHooks.Wire;
using CdsService.Policies;
using Hl7.Fhir.Model;

namespace CdsService.Cards;

/// <summary>
/// The Da Vinci CRD coverage-information system action: an <c>update</c> of the draft order that adds the
/// <c>ext-coverage-information</c> extension and changes nothing else (CRD §resp-37). The sub-extensions obey
/// the extension's invariants: not-covered carries no pa-needed; questionnaire only with doc-needed; every
/// doc-purpose and every indeterminate carries a reason.
/// </summary>
internal static class CoverageInformation
{
    private const string TempCodes = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp";

    public static CdsAction? Build(PolicyDecision decision, DateOnly today, TimeProvider clock)
    {
        if (decision.CoverageReference is null || decision.Order is not DomainResource order)
        {
            return null;
        }

        var updated = (DomainResource)order.DeepCopy();
        updated.Extension.RemoveAll(e => e.Url == CardContract.CoverageInformationExtension);
        updated.Extension.Add(Extension(decision, today, clock));
        return new CdsAction(
            "update",
            $"Add coverage information from the payer to the {decision.Policy.DrugName} order",
            updated);
    }

    private static Extension Extension(PolicyDecision decision, DateOnly today, TimeProvider clock)
    {
        var coverage = decision.Coverage;
        var ext = new Extension { Url = CardContract.CoverageInformationExtension };
        ext.AddExtension("coverage", new ResourceReference(decision.CoverageReference));
        ext.AddExtension("covered", new Code(coverage.Status switch
        {
            CoverageStatus.Covered => "covered",
            CoverageStatus.NotCovered => "not-covered",
            _ => "indeterminate",
        }));
        if (decision.Determination is not null)
        {
            // Approved on the spot: satisfied, with nothing left to document for the PA (q4), and the number (q5).
            ext.AddExtension("pa-needed", new Code("satisfied"));
        }
        else if (coverage.Status != CoverageStatus.NotCovered)
        {
            ext.AddExtension("pa-needed", new Code(coverage.PriorAuthRequired ? "auth-needed" : "no-auth"));
            if (coverage.DocumentationRequired)
            {
                ext.AddExtension("doc-needed", new Code("clinical"));
                ext.AddExtension("doc-purpose", new Code("withpa"));
                ext.AddExtension("questionnaire", new Canonical(decision.Policy.QuestionnaireCanonical));
            }
        }

        var reason = new CodeableConcept { Text = coverage.Reason };
        if (coverage.Status == CoverageStatus.Indeterminate)
        {
            reason.Coding.Add(new Coding(TempCodes, "technical", "Technical issue"));
        }

        ext.AddExtension("reason", reason);
        ext.AddExtension("date", new Date(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        ext.AddExtension("coverage-assertion-id", new FhirString(Storage.TimeOrderedId.NextCompact(clock)));
        if (decision.Determination is { } determination)
        {
            ext.AddExtension("satisfied-pa-id", new FhirString(determination.AuthorizationNumber));
            ext.AddExtension("expiry-date", new Date(determination.Expiry.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        }
        return ext;
    }
}
