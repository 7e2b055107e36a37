// Narrows a table as the user types into a filter box marked with data-filter-table.
// Without JavaScript the same box submits ?filter= and the server filters.
document.querySelectorAll('input[data-filter-table]').forEach((input) => {
  const table = document.getElementById(input.dataset.filterTable);
  if (!table) return;
  input.addEventListener('input', () => {
    const term = input.value.trim().toLowerCase();
    table.querySelectorAll('tbody tr').forEach((row) => {
      row.hidden = term !== '' && !row.textContent.toLowerCase().includes(term);
    });
  });
});
