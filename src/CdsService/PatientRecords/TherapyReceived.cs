namespace CdsService.PatientRecords;

/// <summary>Whether a medication record shows the patient actually received the drug.</summary>
internal enum Receipt
{
    /// <summary>The drug was given or taken.</summary>
    Received,

    /// <summary>The record says it was not given, or only planned, proposed, forbidden or drafted.</summary>
    NotReceived,

    /// <summary>An order that may or may not have been carried out: "unknown, please document", never "not given".</summary>
    Uncertain,
}

/// <summary>
/// The one rule for "what counts as therapy given" (prior Besponsa for renewal, prior TKIs, prior chemotherapy):
/// <list type="bullet">
/// <item>MedicationAdministration: received when completed, in-progress, on-hold or stopped (a dose happened);
/// not when not-done or entered-in-error; uncertain when unknown.</item>
/// <item>MedicationStatement: received when active, completed, on-hold or stopped; not when intended, not-taken or
/// entered-in-error; uncertain when unknown.</item>
/// <item>MedicationRequest: never when doNotPerform, when its intent is proposal or plan, when it is draft, cancelled or
/// entered-in-error, or when it is one of this request's own draft orders. Received when completed, or when active,
/// on-hold or stopped with evidence of use: a received administration or statement that names it
/// (<c>MedicationAdministration.request</c>, <c>MedicationStatement.basedOn</c>). Otherwise uncertain: an order alone
/// does not show the drug was given (it may have been stopped before the first dose).</item>
/// </list>
/// MedicationDispense is not read.
/// </summary>
internal static class TherapyReceived
{
    public static Receipt Of(MedicationUse use, PatientRecord record) => use.Source.TypeName switch
    {
        "MedicationAdministration" => use.Status switch
        {
            "completed" or "in-progress" or "on-hold" or "stopped" => Receipt.Received,
            "not-done" or "entered-in-error" => Receipt.NotReceived,
            _ => Receipt.Uncertain,
        },
        "MedicationStatement" => use.Status switch
        {
            "active" or "completed" or "on-hold" or "stopped" => Receipt.Received,
            "intended" or "not-taken" or "entered-in-error" => Receipt.NotReceived,
            _ => Receipt.Uncertain,
        },
        _ => OfOrder(use, record),
    };

    private static Receipt OfOrder(MedicationUse order, PatientRecord record)
    {
        if (order.DoNotPerform || order.Intent is "proposal" or "plan" || record.DraftOrderIds.Contains(order.Source.Id ?? ""))
        {
            return Receipt.NotReceived;
        }

        return order.Status switch
        {
            "draft" or "cancelled" or "entered-in-error" => Receipt.NotReceived,
            "completed" => Receipt.Received,
            _ when HasEvidenceOfUse(order, record) => Receipt.Received,
            _ => Receipt.Uncertain,
        };
    }

    private static bool HasEvidenceOfUse(MedicationUse order, PatientRecord record) => record.Medications.Any(m =>
        m.Source.TypeName != "MedicationRequest"
        && m.Fulfils.Any(r => References.PointsTo(new Hl7.Fhir.Model.ResourceReference(r), "MedicationRequest", order.Source.Id ?? ""))
        && Of(m, record) == Receipt.Received);
}
