/** Renderer entry: one SimClient, Pinia, the app shell. */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { SimClient, defaultConnector, installSimClient } from './sim-client/index.ts';
import { useSimStore } from './stores/sim.ts';
import './styles/base.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);

const client = new SimClient(defaultConnector());
installSimClient(app, client);
useSimStore(pinia).bind(client);
client.start();

app.mount('#app');
