/** What a panel is to the shell: a tab, built once, shown with an optional detail. */

/** What the shell gives each panel. */
export interface Shell {
  /** The instance the switcher shows (every instance-scoped call passes it as `execId`). */
  execId(): string;
  /** Called when the user picks another instance. */
  onInstanceChange(listener: () => void): void;
  /** Shows another panel, with what it should open (`open("editor", { path: "hello.ts" })`). */
  open(panel: string, detail?: PanelDetail): void;
}

/** What one panel asks another to show: a script, a route to call, an execution's lines. */
export interface PanelDetail {
  path?: string;
  pattern?: string;
  params?: readonly string[];
  executionId?: string;
}

export interface PanelView {
  readonly element: HTMLElement;
  /** Called each time the tab is shown (first time included). */
  show(detail?: PanelDetail): void;
  /** Called when another tab is shown: stop polling, close streams. */
  hide?(): void;
}

export interface Panel {
  /** The tab's id, in the URL's hash (`#routes`). */
  readonly id: string;
  readonly title: string;
  create(shell: Shell): PanelView;
}
