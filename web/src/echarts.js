// ECharts with only the charts and components the pages use, so that esbuild leaves the rest
// out. Loaded on demand (charts.js), in its own chunk, after the page's first numbers.
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, GraphChart, LineChart, PieChart, SankeyChart } from 'echarts/charts';
import {
  AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent,
  TooltipComponent, VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, FunnelChart, GraphChart, LineChart, PieChart, SankeyChart, AriaComponent,
  GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent,
  VisualMapComponent, CanvasRenderer]);

export { echarts };
