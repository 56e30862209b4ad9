/* Dutch for plotly.js: month and day names on date axes, decimal comma, and the words of
   the chart toolbar, registered as the locale "nl" (used when the page's language is Dutch). */
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  window.Plotly.register({
    moduleType: "locale",
    name: "nl",
    dictionary: {
      "Autoscale": "Automatisch schalen",
      "Box Select": "Rechthoek selecteren",
      "Click to enter Colorscale title": "Klik om de titel van de kleurschaal te typen",
      "Click to enter Plot title": "Klik om de titel van de grafiek te typen",
      "Click to enter X axis title": "Klik om de titel van de x-as te typen",
      "Click to enter Y axis title": "Klik om de titel van de y-as te typen",
      "Compare data on hover": "Gegevens vergelijken bij aanwijzen",
      "Double-click on legend to isolate one trace": "Dubbelklik op de legenda om één reeks apart te tonen",
      "Double-click to zoom back out": "Dubbelklik om weer uit te zoomen",
      "Download plot": "Grafiek downloaden",
      "Download plot as a PNG": "Grafiek downloaden als PNG",
      "Lasso Select": "Lasso-selectie",
      "Pan": "Verschuiven",
      "Produced with Plotly.js": "Gemaakt met Plotly.js",
      "Reset axes": "Assen herstellen",
      "Reset view": "Weergave herstellen",
      "Show closest data on hover": "Dichtstbijzijnde gegevens tonen bij aanwijzen",
      "Snapshot succeeded": "Afbeelding gemaakt",
      "Taking snapshot - this may take a few seconds": "Afbeelding maken: dit kan enkele seconden duren",
      "Toggle Spike Lines": "Hulplijnen aan/uit",
      "Zoom": "Zoomen",
      "Zoom in": "Inzoomen",
      "Zoom out": "Uitzoomen"
    },
    format: {
      days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
      shortDays: ["zo", "ma", "di", "wo", "do", "vr", "za"],
      months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
               "september", "oktober", "november", "december"],
      shortMonths: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt",
                    "nov", "dec"],
      date: "%d-%m-%Y",
      decimal: ",",
      thousands: "."
    }
  });
}());
