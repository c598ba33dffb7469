using Hl7.Fhir.Model;

namespace CdsService.Policies;

/// <summary>How a policy dates an order: the calendar day of its authoredOn, when it says so.</summary>
internal static class OrderDates
{
    /// <summary>The day a MedicationRequest or ServiceRequest was written; null when it does not say (then: today).</summary>
    public static DateOnly? Authored(Resource order)
    {
        var authored = order switch
        {
            MedicationRequest m => m.AuthoredOn,
            ServiceRequest s => s.AuthoredOn,
            _ => null,
        };
        return Fhir.FhirDates.Parse(authored) is { } when ? DateOnly.FromDateTime(when.Date) : null;
    }
}
