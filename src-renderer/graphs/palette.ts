/** Chart colours: Okabe-Ito (colour-blind safe), axis and grid from the current theme. */
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'];

export function chartPalette(): { series: string[]; axis: string; grid: string } {
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  return {
    series: dark ? ['#56B4E9', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#F0E442'] : OKABE_ITO,
    axis: dark ? '#98a1b2' : '#5b6475',
    grid: dark ? 'rgba(255,255,255,0.07)' : 'rgba(0,0,0,0.07)',
  };
}
