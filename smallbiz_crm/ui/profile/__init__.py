"""The customer profile beside the list: header, journey, notes, timeline, concerns and gestures;
it opens the dialogs that add to them (so it sits above dialogs/, not among the plain widgets)."""
