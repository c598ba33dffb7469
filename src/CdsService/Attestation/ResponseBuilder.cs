using Hl7.Fhir.Model;

namespace CdsService.Attestation;

/// <summary>
/// The prescriber's answers as a FHIR R4 QuestionnaireResponse (Firely POCOs): completed, for the questionnaire's
/// versioned canonical, about the patient, authored by the signing user now. Items mirror the Questionnaire's groups;
/// an item that an unmet <c>enableWhen</c> disables is left out; each answer carries the DTR information-origin
/// extension (auto: pre-filled from the chart and kept; override: pre-filled and changed; manual: answered here).
/// </summary>
internal static class ResponseBuilder
{
    public const string InformationOrigin = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/information-origin";

    public static QuestionnaireResponse Build(
        Questionnaire questionnaire,
        FormSession session,
        IReadOnlyDictionary<string, bool> answers,
        IReadOnlyDictionary<string, PrefilledAnswer> prefilled,
        DateTimeOffset now)
    {
        var response = new QuestionnaireResponse
        {
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Questionnaire = questionnaire.Version is { } version ? $"{questionnaire.Url}|{version}" : questionnaire.Url,
            Subject = new ResourceReference($"Patient/{session.PatientId}"),
            Authored = now.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (session.Author is { } author && (author.StartsWith("Practitioner/", StringComparison.Ordinal) || author.StartsWith("PractitionerRole/", StringComparison.Ordinal)))
        {
            response.Author = new ResourceReference(author);
        }

        response.Item = [.. Items(questionnaire.Item, answers, prefilled)];
        return response;
    }

    private static IEnumerable<QuestionnaireResponse.ItemComponent> Items(
        IEnumerable<Questionnaire.ItemComponent> items, IReadOnlyDictionary<string, bool> answers, IReadOnlyDictionary<string, PrefilledAnswer> prefilled)
    {
        foreach (var item in items)
        {
            if (item.Type == Questionnaire.QuestionnaireItemType.Group)
            {
                var children = Items(item.Item, answers, prefilled).ToList();
                if (children.Count > 0)
                {
                    yield return new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = item.Text, Item = children };
                }

                continue;
            }

            if (item.LinkId is null || !answers.TryGetValue(item.LinkId, out var value) || !Enabled(item, answers))
            {
                continue;
            }

            var origin = prefilled.TryGetValue(item.LinkId, out var pre) ? (pre.Value == value ? "auto" : "override") : "manual";
            var answer = new QuestionnaireResponse.AnswerComponent { Value = new FhirBoolean(value) };
            var extension = new Extension { Url = InformationOrigin };
            extension.AddExtension("source", new Code(origin));
            answer.Extension.Add(extension);
            yield return new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = item.Text, Answer = [answer] };
        }
    }

    // enableWhen on a boolean answer (the only kind this form renders); several conditions must all hold (enableBehavior all).
    private static bool Enabled(Questionnaire.ItemComponent item, IReadOnlyDictionary<string, bool> answers) =>
        item.EnableWhen.All(w => w.Answer is FhirBoolean { Value: { } expected } && w.Question is not null
            && answers.TryGetValue(w.Question, out var given) && (w.Operator == Questionnaire.QuestionnaireItemOperator.Equal ? given == expected : given != expected));
}
