using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Recur.Web.Edge;

/// <summary>
/// Text fields take no control characters (NUL, escape, backspace…): no one types them, Stripe refuses them, and they
/// corrupt what is shown back. Line breaks and tabs are kept for multi-line fields. A form posted to a page with one
/// is answered 400 ProblemDetails naming the field, before any handler runs.
/// </summary>
public sealed class ControlCharacters : IAsyncPageFilter
{
    public static bool AreIn(string? text) => text is not null && text.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t'));

    public static string Message(string field) =>
        $"The field {field} contains a control character (such as NUL), which Recur does not accept. Remove it and try again.";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(context.HttpContext.RequestAborted);
            var field = form.FirstOrDefault(f => f.Value.Any(AreIn)).Key;
            if (field is not null)
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status400BadRequest;
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status400BadRequest,
                        Title = "Remove the control characters.",
                        Detail = Message(field),
                    },
                });
                context.Result = new EmptyResult();
                return;
            }
        }
        await next();
    }
}
