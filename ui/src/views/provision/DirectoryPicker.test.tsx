// The directory picker on its own: each search's answer comes into view, so the rows the arrow
// keys move through are on screen even though the search box sits low on step 4's page.
import { screen, waitFor } from '@testing-library/react';
import { directorySearch, type DirectoryEntry } from '../../ipc';
import { renderView } from '../../test/renderView';
import { DirectoryPicker } from './DirectoryPicker';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

function users(names: string[]): DirectoryEntry[] {
  return names.map((name, i) => ({ id: `u-${i}`, kind: 'user' as const, displayName: name, detail: `${name.toLowerCase()}@contoso.com` }));
}

describe('the directory picker', () => {
  const scrolled: Element[] = [];
  beforeEach(() => {
    scrolled.length = 0;
    // jsdom has no scrollIntoView: record which element asked to be shown.
    Element.prototype.scrollIntoView = function scrollIntoView(this: Element) {
      scrolled.push(this);
    };
  });
  afterEach(() => {
    delete (Element.prototype as Partial<Element>).scrollIntoView;
  });

  it('brings each search’s results into view, with their count first', async () => {
    vi.mocked(directorySearch).mockResolvedValueOnce(users(['Adele', 'Alex'])).mockResolvedValueOnce(users(['Adele']));
    const { user } = await renderView(<DirectoryPicker selected={[]} onChange={() => undefined} />);
    const search = screen.getByTestId('picker-search');
    await user.type(search, 'a');
    const count = await screen.findByTestId('picker-count');
    expect(count).toHaveTextContent('2 found');
    await waitFor(() => expect(scrolled).toHaveLength(1));
    expect(scrolled[0]).toContainElement(count);
    expect(scrolled[0]).toContainElement(screen.getByRole('listbox', { name: 'Search results' }));
    expect(search).toHaveFocus();

    await user.type(search, 'dele');
    await waitFor(() => expect(screen.getByTestId('picker-count')).toHaveTextContent('1 found'));
    await waitFor(() => expect(scrolled).toHaveLength(2));
  });

  it('scrolls nothing while nothing was found', async () => {
    vi.mocked(directorySearch).mockResolvedValue([]);
    const { user } = await renderView(<DirectoryPicker selected={[]} onChange={() => undefined} />);
    await user.type(screen.getByTestId('picker-search'), 'zz');
    expect(await screen.findByText('Nobody matches “zz”.')).toBeInTheDocument();
    expect(scrolled).toHaveLength(0);
  });
});
