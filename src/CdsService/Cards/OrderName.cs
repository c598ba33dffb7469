using System.Globalization;
using CdsService.Policies;
using Hl7.Fhir.Model;

namespace CdsService.Cards;

/// <summary>An order as a clinician names it: the drug and the day it was written, never its resource id.</summary>
internal static class OrderName
{
    public static string Of(PolicyDecision decision)
    {
        var authored = decision.Order switch
        {
            MedicationRequest m => m.AuthoredOn,
            ServiceRequest s => s.AuthoredOn,
            _ => null,
        };
        return Fhir.FhirDates.Parse(authored) is { } when
            ? $"{decision.Policy.DrugName} order of {when.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
            : $"{decision.Policy.DrugName} order being signed";
    }
}
