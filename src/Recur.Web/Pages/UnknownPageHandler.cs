using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Recur.Web.Pages;

/// <summary>
/// A request naming a handler the page does not have (<c>?handler=Nonsense</c>, or a POST to a page without
/// <c>OnPost</c>) is a 404. Razor Pages would otherwise render the page without running any handler, and the page,
/// its model never loaded, fails with a 500.
/// </summary>
public sealed class UnknownPageHandler : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HandlerMethod is null && context.ActionDescriptor.HandlerMethods.Count > 0)
        {
            context.Result = new NotFoundResult();
        }
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
