/** Renderer entry: one SimClient, Pinia, the app shell. */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { SimClient, defaultConnector, installSimClient } from './sim-client/index.ts';
import { useSimStore } from './stores/sim.ts';
import { useXenHostStore } from './stores/xen-host.ts';
import { useDocumentsStore } from './stores/documents.ts';
import { usePickerStore } from './stores/picker.ts';
import { browserFileService, electronFileService } from './files/file-service.ts';
import './styles/base.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);

const client = new SimClient(defaultConnector());
installSimClient(app, client);
useSimStore(pinia).bind(client);
useXenHostStore(pinia).bind(client);
client.start();

const files = window.vtdw ? electronFileService(window.vtdw.files) : browserFileService(usePickerStore(pinia).pick);
const documents = useDocumentsStore(pinia);
documents.bind(files);
// Unsaved text is backed up a second after typing stops; a reload within that second flushes it.
window.addEventListener('pagehide', () => documents.flushBackups());

app.mount('#app');
